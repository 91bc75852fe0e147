import { sql } from "drizzle-orm";
import type { Runner } from "graphile-worker";
import { withSystem } from "@/server/db/tenancy";
import { metrics, onScrape } from "@/server/observability/metrics";

type QueueRow = { task: string; state: string; jobs: number };

/** Jobs in the queue by task and state, read from graphile-worker's jobs view. */
export async function jobQueueDepth(): Promise<QueueRow[]> {
  return withSystem("job-queue-metrics", async (tx) => {
    const rows = await tx.execute<QueueRow>(sql`
      select task_identifier as task,
        case when attempts >= max_attempts then 'failed'
             when locked_at is not null then 'running'
             when run_at > now() then 'scheduled'
             else 'ready' end as state,
        count(*)::int as jobs
      from graphile_worker.jobs group by 1, 2`);
    return [...rows];
  });
}

/**
 * The worker's job metrics: how long each job waited past its run_at and how long it ran
 * (graphile-worker's events), and the queue's depth, read at each scrape.
 */
export function watchJobs(runner: Pick<Runner, "events">) {
  const started = new Map<string, number>();
  runner.events.on("job:start", ({ job }) => {
    started.set(job.id, performance.now());
    metrics.jobDelay.observe({ task: job.task_identifier }, Math.max(0, (Date.now() - new Date(job.run_at).getTime()) / 1000));
  });
  runner.events.on("job:complete", ({ job, error }) => {
    const start = started.get(job.id);
    started.delete(job.id);
    if (start === undefined) return;
    metrics.jobDuration.observe({ task: job.task_identifier, outcome: error ? "failed" : "succeeded" }, (performance.now() - start) / 1000);
  });
  onScrape("job-queue", async () => {
    const rows = await jobQueueDepth();
    // Reset first: a task whose jobs are all gone reports nothing rather than its last count.
    metrics.jobQueueDepth.reset();
    for (const row of rows) metrics.jobQueueDepth.set({ task: row.task, state: row.state }, row.jobs);
  });
}
