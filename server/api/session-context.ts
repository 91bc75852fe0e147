import "server-only";
import { auth } from "@/server/auth";
import { clientKey } from "@/server/client-ip";
import { createApiContext, type ApiContext } from "./trpc";

/** The API context of the signed-in browser user (Auth.js session cookie). */
export async function contextFromSession(headers: Headers): Promise<ApiContext> {
  const session = await auth();
  return createApiContext({ userId: session?.user?.id ?? null, requestId: headers.get("x-request-id"), clientKey: clientKey(headers) });
}
