import os from "node:os";
import { sql } from "drizzle-orm";
import { withSystem } from "@/server/db/tenancy";
import { logger } from "@/server/logger";

/**
 * Releases the jobs of a worker process that died without saying so (SIGKILL, a lost host).
 * graphile-worker keeps such jobs locked for four hours; here every worker process writes a
 * heartbeat for its graphile-worker ids, and any worker releases the jobs of ids whose heartbeat
 * is older than STALE_AFTER_SECONDS (graphile_worker.force_unlock_workers), so they run again
 * within about half a minute. Every task is idempotent, as a retry after a crash requires.
 *
 * A worker only judges others after it has itself been connected for a while: after a database
 * outage every heartbeat is old, and a live worker must get the chance to write its own first.
 */
export const HEARTBEAT_INTERVAL_MS = 5_000;
export const STALE_AFTER_SECONDS = 30;
const JUDGE_AFTER_CONNECTED_MS = 3 * HEARTBEAT_INTERVAL_MS;

export async function writeHeartbeat(workerIds: string[]): Promise<void> {
  if (workerIds.length === 0) return;
  await withSystem("worker-heartbeat", (tx) =>
    tx.execute(sql`
      insert into worker_heartbeats (worker_id, pid, host)
      select id, ${process.pid}, ${os.hostname()} from unnest(${`{${workerIds.join(",")}}`}::text[]) as id
      on conflict (worker_id) do update set heartbeat_at = now()`),
  );
}

/** Releases the jobs of workers whose heartbeat stopped; returns their ids. */
export async function releaseStaleWorkers(staleAfterSeconds = STALE_AFTER_SECONDS): Promise<string[]> {
  return withSystem("worker-release-stale", async (tx) => {
    // skip locked: two workers sweeping at once release each dead worker once.
    const stale = await tx.execute<{ worker_id: string }>(sql`
      select worker_id from worker_heartbeats
      where heartbeat_at < now() - make_interval(secs => ${staleAfterSeconds})
      for update skip locked`);
    const ids = stale.map((r) => r.worker_id);
    if (ids.length === 0) return [];
    const list = `{${ids.join(",")}}`;
    await tx.execute(sql`select graphile_worker.force_unlock_workers(${list}::text[])`);
    await tx.execute(sql`delete from worker_heartbeats where worker_id = any(${list}::text[])`);
    return ids;
  });
}

export async function removeHeartbeat(workerIds: string[]): Promise<void> {
  if (workerIds.length === 0) return;
  await withSystem("worker-heartbeat-remove", (tx) => tx.execute(sql`delete from worker_heartbeats where worker_id = any(${`{${workerIds.join(",")}}`}::text[])`));
}

/** Heartbeats and sweeps until stopped; failures (the database away) are logged and retried. */
export function startLiveness(workerIds: () => string[]): { stop: () => Promise<void> } {
  let connectedSince: number | null = null;
  let failures = 0;
  const tick = async () => {
    try {
      await writeHeartbeat(workerIds());
      connectedSince ??= Date.now();
      failures = 0;
      if (Date.now() - connectedSince >= JUDGE_AFTER_CONNECTED_MS) {
        const released = await releaseStaleWorkers();
        if (released.length) logger.warn({ workerIds: released }, "released the jobs of workers that stopped without a shutdown");
      }
    } catch (error) {
      connectedSince = null;
      // One line for the first failure, then one every minute or so (a tick is 5 s).
      if (failures++ % 12 === 0) logger.warn({ err: error, failures }, "worker heartbeat failed");
    }
  };
  const timer = setInterval(() => void tick(), HEARTBEAT_INTERVAL_MS);
  void tick();
  return {
    async stop() {
      clearInterval(timer);
      await removeHeartbeat(workerIds()).catch(() => {});
    },
  };
}
