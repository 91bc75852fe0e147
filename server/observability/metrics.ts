import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * Prometheus metrics, one registry per process. Next.js bundles a route handler, the proxy and
 * instrumentation.ts as separate module graphs, each with its own copy of this file: the
 * registry and its metrics live on globalThis, so every copy counts into the same series and
 * the metrics route exposes all of them (and development hot reloads do not register twice).
 *
 * Labels are bounded: route templates (never raw paths), procedure paths, task names, fixed
 * outcome words. No tenant, user or event id is ever a label.
 */
function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "souk_" });
  // Gauges refreshed at scrape time by whoever owns the figure (pool, job queue); see onScrape.
  const scrapeHooks = new Map<string, () => Promise<void> | void>();
  const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

  return {
    registry,
    scrapeHooks,
    httpRequests: new Counter({
      name: "souk_http_requests_total",
      help: "HTTP requests answered by route handlers, by route template, method and status",
      labelNames: ["route", "method", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "souk_http_request_duration_seconds",
      help: "Time to answer an HTTP request (route handlers), by route template, method and status",
      labelNames: ["route", "method", "status"] as const,
      buckets: seconds,
      registers: [registry],
    }),
    trpcErrors: new Counter({
      name: "souk_trpc_procedure_errors_total",
      help: "tRPC procedure calls that failed, by procedure path and tRPC error code",
      labelNames: ["procedure", "type", "code"] as const,
      registers: [registry],
    }),
    stripeEvents: new Counter({
      name: "souk_stripe_events_total",
      help: "Stripe events by stage (received: webhook intake; processed: the job) and status",
      labelNames: ["stage", "status"] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: "souk_job_duration_seconds",
      help: "Time a background job ran, by task and outcome",
      labelNames: ["task", "outcome"] as const,
      buckets: [...seconds, 30, 60, 300],
      registers: [registry],
    }),
    jobDelay: new Histogram({
      name: "souk_job_queue_delay_seconds",
      help: "Time from a job being due (run_at) to a worker starting it, by task",
      labelNames: ["task"] as const,
      buckets: [...seconds, 30, 60, 300],
      registers: [registry],
    }),
    jobQueueDepth: new Gauge({
      name: "souk_job_queue_depth",
      help: "Jobs in the queue by task and state (ready: due and waiting; scheduled: due later; running: locked by a worker; failed: out of attempts)",
      labelNames: ["task", "state"] as const,
      registers: [registry],
    }),
    billingRunDuration: new Histogram({
      name: "souk_billing_run_duration_seconds",
      help: "Duration of billing runs, by outcome",
      labelNames: ["outcome"] as const,
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [registry],
    }),
    billingRunEvents: new Counter({
      name: "souk_billing_run_events_total",
      help: "Usage events priced by billing runs",
      registers: [registry],
    }),
    billingRunRate: new Gauge({
      name: "souk_billing_run_events_per_second",
      help: "Usage events per second of the last successful billing run in this process",
      registers: [registry],
    }),
    usageEvents: new Counter({
      name: "souk_usage_ingested_events_total",
      help: "Usage events through the ingestion API, by outcome (accepted, duplicate, rejected)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    dbPool: new Gauge({
      name: "souk_db_pool_connections",
      help: "Database pool slots by pool and state (in_use, free, max) and requests waiting for one (waiting)",
      labelNames: ["pool", "state"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const globalForMetrics = globalThis as unknown as { soukMetrics?: Metrics };
export const metrics: Metrics = (globalForMetrics.soukMetrics ??= createMetrics());

/**
 * Registers (or replaces, by name) work done at each scrape to refresh gauges whose figures
 * live elsewhere: the pool's slots, the job queue's rows.
 */
export function onScrape(name: string, hook: () => Promise<void> | void) {
  metrics.scrapeHooks.set(name, hook);
}

/** The exposition in Prometheus text format, and its content type. */
export async function metricsExposition(): Promise<{ body: string; contentType: string }> {
  // A hook that fails (the database is down) leaves its gauges at their last figures; the
  // rest of the exposition still answers.
  await Promise.allSettled([...metrics.scrapeHooks.values()].map(async (hook) => hook()));
  return { body: await metrics.registry.metrics(), contentType: metrics.registry.contentType };
}
