import "server-only";
import { auth } from "@/server/auth";
import { authenticateApiKey, bearerToken } from "@/server/domain/api-keys";
import { createApiContext, type ApiContext } from "./trpc";

/**
 * The API context of a request: an `Authorization: Bearer souk_…` key when one is sent (a refused
 * key is carried as the reason, never silently replaced by the session), else the signed-in
 * browser user (Auth.js session cookie).
 */
export async function contextFromSession(headers: Headers): Promise<ApiContext> {
  const requestId = headers.get("x-request-id");
  const token = bearerToken(headers.get("authorization"));
  if (token !== null || headers.has("authorization")) {
    const result = await authenticateApiKey(token);
    return result.ok
      ? createApiContext({ userId: null, requestId, apiKey: result.principal })
      : createApiContext({ userId: null, requestId, apiKeyFailure: result.failure === "missing_key" ? "invalid_key" : result.failure });
  }
  const session = await auth();
  return createApiContext({ userId: session?.user?.id ?? null, requestId });
}
