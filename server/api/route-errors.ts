import { requestIdFrom } from "@/lib/request-id";
import { logger } from "@/server/logger";
import { internalErrorMessage, serviceUnavailableProblem } from "./errors";

/**
 * Logs an unexpected failure with its request id and returns the only thing the client
 * may see about it. For route handlers and server actions (tRPC has its error formatter).
 */
export function reportInternalError(error: unknown, requestId: string, where: string): string {
  logger.error({ err: error, requestId, where }, "request failed");
  return internalErrorMessage(requestId);
}

/**
 * Wraps a route handler: an unexpected throw answers 500 with a JSON reference, never the
 * cause, and the detail goes to the log under that reference. A database away or busy answers
 * 503 with Retry-After instead: the client may retry.
 */
export function withErrorAnswer<Req extends Request, Args extends unknown[]>(where: string, handler: (req: Req, ...rest: Args) => Promise<Response>) {
  return async (req: Req, ...rest: Args): Promise<Response> => {
    try {
      return await handler(req, ...rest);
    } catch (error) {
      const unavailable = serviceUnavailableProblem(error);
      if (unavailable) return unavailable;
      const requestId = requestIdFrom(req.headers.get("x-request-id"));
      const message = reportInternalError(error, requestId, where);
      return Response.json({ error: message, requestId }, { status: 500, headers: { "cache-control": "no-store", "x-request-id": requestId } });
    }
  };
}
