import { TRPCError } from "@trpc/server";
import { authenticateApiKey, bearerToken } from "@/server/domain/api-keys";
import { clientKey } from "@/server/client-ip";
import { toTRPCError } from "./errors";
import { createApiContext, type ApiContext } from "./trpc";

/**
 * The API context of a request: an `Authorization: Bearer souk_…` key when one is sent (a refused
 * key is carried as the reason, never silently replaced by the session), else the session's user
 * (read only when no key is sent). Kept apart from Auth.js so tests can build it.
 */
export async function contextFromHeaders(headers: Headers, sessionUserId: () => Promise<string | null>): Promise<ApiContext> {
  const requestId = headers.get("x-request-id");
  const client = clientKey(headers);
  if (headers.has("authorization")) {
    const result = await authenticateApiKey(bearerToken(headers.get("authorization"))).catch((error: unknown) => {
      // Built before any procedure runs: map a database away to its 503 here, not a 500.
      const mapped = toTRPCError(error);
      throw mapped instanceof TRPCError ? mapped : error;
    });
    return result.ok
      ? createApiContext({ userId: null, requestId, clientKey: client, apiKey: result.principal })
      : createApiContext({ userId: null, requestId, clientKey: client, apiKeyFailure: result.failure === "missing_key" ? "invalid_key" : result.failure });
  }
  return createApiContext({ userId: await sessionUserId(), requestId, clientKey: client });
}
