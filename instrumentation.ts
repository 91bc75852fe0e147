import type { Instrumentation } from "next";

/**
 * Runs once per server process before it serves requests. Tracing starts here (only in the
 * Node.js runtime, and only when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER=console
 * asks for it: otherwise nothing is loaded). Metrics need no start: their registry is created
 * on first use and shared by every module copy through globalThis.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ env }, { startTracing }] = await Promise.all([import("@/server/env"), import("@/server/observability/tracing")]);
  await startTracing(env, "souk-web");
}

/**
 * Errors Next.js catches itself (a Server Component, a server action or a route handler
 * that threw): the browser gets a generic page with a digest, and the detail is logged
 * here with the request id the proxy gave the request.
 */
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  const [{ logger }, { requestIdFrom }] = await Promise.all([import("@/server/logger"), import("@/lib/request-id")]);
  const header = request.headers["x-request-id"];
  logger.error(
    { err: error, requestId: requestIdFrom(Array.isArray(header) ? header[0] : header), path: request.path, method: request.method, routerKind: context.routerKind, routePath: context.routePath, routeType: context.routeType },
    "request failed",
  );
};
