import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { appRouter } from "@/server/api/root";
import { createApiContext } from "@/server/api/trpc";

type TrpcErrorBody = { error: { json: { message: string; data: { code: string; httpStatus: number; fieldErrors: Record<string, string[]> | null } } } };

/**
 * Calls a procedure through the real tRPC HTTP handler (the same one
 * app/api/trpc serves), so status codes and the error formatter are exercised.
 */
export async function callOverHttp(userId: string | null, path: string, input: unknown, type: "query" | "mutation", requestId?: string) {
  const encoded = JSON.stringify(superjson.serialize(input));
  const url = `http://localhost/api/trpc/${path}` + (type === "query" ? `?input=${encodeURIComponent(encoded)}` : "");
  const req = new Request(url, {
    method: type === "query" ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: type === "mutation" ? encoded : undefined,
  });
  const res = await fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext: () => createApiContext({ userId, requestId }) });
  const body = (await res.json()) as TrpcErrorBody | { result: unknown };
  return { status: res.status, body };
}

export function errorOf(body: unknown) {
  return (body as TrpcErrorBody).error.json;
}
