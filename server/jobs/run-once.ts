import { runOnce } from "graphile-worker";
import pg from "pg";
import { env } from "@/server/env";
import { logger } from "@/server/logger";
import type { JobDefinition } from "./define";
import { jobs, taskList } from "./index";
import { workerLogger } from "./worker-logger";

/**
 * Processes every job that is due now, then returns once their outcomes are written. For tests
 * and one-off commands.
 *
 * graphile-worker (0.17) records a finished job (deleted) or a failed one (unlocked, with only the
 * failed entries of a batch) without awaiting that write, and ends a pool it made itself without
 * waiting either: runOnce can resolve while the job still sits locked with its whole payload. So
 * the pool is ours, and ending it waits for every query the worker started.
 */
export async function runDueJobs(definitions: JobDefinition[] = jobs): Promise<void> {
  const pgPool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
  // An idle connection's error (database restart) is logged; the next query reconnects.
  pgPool.on("error", (error) => logger.warn({ err: error }, "job queue connection error"));
  try {
    await runOnce({ pgPool, taskList: taskList(definitions), noHandleSignals: true, logger: workerLogger });
  } finally {
    await pgPool.end();
  }
}
