import type { Instrumentation } from "next";

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
