import { env } from "@/server/env";
import { instrumentRoute } from "@/server/observability/http";
import { metricsAuthorized } from "@/server/observability/metrics-auth";
import { metricsExposition } from "@/server/observability/metrics";
// The database pool's gauge is registered by the module that owns the pool.
import "@/server/db/tenancy";

export const dynamic = "force-dynamic";

/**
 * This process's Prometheus metrics, for a scraper holding METRICS_TOKEN (Authorization:
 * Bearer). Without the token configured, or with a missing or wrong one, it answers 404 like
 * any unknown path: metrics are never public.
 */
export const GET = instrumentRoute("/api/metrics", async (request: Request) => {
  if (!metricsAuthorized(request.headers.get("authorization"), env.METRICS_TOKEN)) {
    return new Response("Not found", { status: 404, headers: { "cache-control": "no-store" } });
  }
  const { body, contentType } = await metricsExposition();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
