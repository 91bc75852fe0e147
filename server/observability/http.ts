import { requestIdFrom } from "@/lib/request-id";
import { metrics } from "./metrics";
import { runWithRequestContext } from "./request-context";

/**
 * Wraps a route handler: counts and times its answers under the route's template (bounded
 * labels; `/api/trpc/[trpc]`, never the raw path) and runs it with its request id in the
 * logging context, so every log line of the request carries it.
 *
 * Why here: Next.js 16 has no per-request hook that sees both the matched route and the final
 * status. The proxy runs before the route is matched and never sees the answer; Next's own
 * OpenTelemetry spans do carry both, but only with a tracing SDK loaded in every process, and
 * a request passing the proxy yields two of them. Route handlers are where the machine traffic
 * is (tRPC, REST ingestion, webhooks, health), and tRPC procedures get their own error series.
 * Pages are not counted here.
 */
export function instrumentRoute<Req extends Request, Args extends unknown[], Res extends Response | void>(route: string, handler: (req: Req, ...rest: Args) => Res | Promise<Res>) {
  return async (req: Req, ...rest: Args): Promise<Res> => {
    const started = performance.now();
    const requestId = requestIdFrom(req.headers.get("x-request-id"));
    let status = 500;
    try {
      const response = await runWithRequestContext({ requestId }, () => handler(req, ...rest));
      // (Auth.js's handler type allows no answer; Next.js then answers 500 itself.)
      if (!response) return response;
      status = response.status;
      // Routes the proxy skips (webhooks, usage ingestion) get the id here. Some answers
      // (redirects) have immutable headers; they keep what they have.
      if (!response.headers.has("x-request-id")) {
        try {
          response.headers.set("x-request-id", requestId);
        } catch {}
      }
      return response;
    } catch (error) {
      // A client that hung up mid-request (its body stream aborted) is not a server error:
      // counted as 499, nginx's "client closed request", as the answer never reached anyone.
      if (req.signal.aborted || (error as { code?: unknown } | null)?.code === "ECONNRESET") status = 499;
      throw error;
    } finally {
      const labels = { route, method: req.method, status: String(status) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, (performance.now() - started) / 1000);
    }
  };
}
