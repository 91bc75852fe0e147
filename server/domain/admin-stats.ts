import { count, gte, sql } from "drizzle-orm";
import { stripeEvents, tenants, usageEvents } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { platformSummary } from "./admin-tenants";

/** graphile-worker's jobs by state: what is waiting, running, scheduled for later, or out of attempts. */
export type QueueDepth = { ready: number; running: number; scheduled: number; failed: number; total: number };

/**
 * The operator's one-screen view (`souk stats`): the console summary (tenants by status, MRR)
 * plus tenants by plan and status, the events received since midnight UTC, and the job queue.
 */
export async function platformStats() {
  const summary = await platformSummary();
  return withSystem("admin-stats", async (tx) => {
    const byPlan = await tx
      .select({ plan: tenants.plan, status: tenants.status, n: count() })
      .from(tenants)
      .groupBy(tenants.plan, tenants.status)
      .orderBy(tenants.plan, tenants.status);
    const midnight = sql`date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'`;
    const [usage] = await tx.select({ n: count() }).from(usageEvents).where(gte(usageEvents.ingestedAt, midnight));
    const [stripe] = await tx.select({ n: count() }).from(stripeEvents).where(gte(stripeEvents.receivedAt, midnight));
    // Same states as the worker's queue-depth metric (server/jobs/job-metrics.ts).
    const [queue] = await tx.execute<QueueDepth>(sql`
      select count(*) filter (where attempts < max_attempts and locked_at is null and run_at <= now())::int as ready,
        count(*) filter (where attempts < max_attempts and locked_at is not null)::int as running,
        count(*) filter (where attempts < max_attempts and locked_at is null and run_at > now())::int as scheduled,
        count(*) filter (where attempts >= max_attempts)::int as failed,
        count(*)::int as total
      from graphile_worker.jobs`);
    return {
      tenants: summary.tenants,
      statuses: summary.statuses,
      byPlan,
      users: summary.users,
      mrr: summary.mrr,
      eventsToday: { usage: usage?.n ?? 0, stripe: stripe?.n ?? 0 },
      queue: queue ?? { ready: 0, running: 0, scheduled: 0, failed: 0, total: 0 },
    };
  });
}
