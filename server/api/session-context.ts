import "server-only";
import { auth } from "@/server/auth";
import { contextFromHeaders, sessionIdentity } from "./request-context";
import type { ApiContext } from "./trpc";

/** The API context of a request: its bearer key, else the signed-in browser user (Auth.js session cookie). */
export async function contextFromSession(headers: Headers): Promise<ApiContext> {
  return contextFromHeaders(headers, async () => sessionIdentity(await auth()));
}
