/**
 * npm run worker — processes background jobs (graphile-worker over PostgreSQL).
 * Any number of workers may run; they coordinate through the database.
 */
import { EventEmitter } from "node:events";
import { run, type WorkerEvents } from "graphile-worker";
import { env } from "@/server/env";
import { logger } from "@/server/logger";
import { cronItems, taskList } from "./index";
import { startLiveness } from "./liveness";
import { workerLogger } from "./worker-logger";

// graphile-worker's ids for this process (its pool, and each worker), as they lock jobs.
const workerIds = new Set<string>();
const events: WorkerEvents = new EventEmitter();
events.on("pool:create", ({ workerPool }) => workerIds.add(workerPool.id));
events.on("worker:create", ({ worker }) => workerIds.add(worker.workerId));

const runner = await run({
  connectionString: env.DATABASE_URL,
  concurrency: env.WORKER_CONCURRENCY,
  noHandleSignals: true,
  events,
  // A job queued for later (Stripe events wait STRIPE_EVENT_DELAY_MS) is noticed by polling,
  // not by the queue's notification: poll often enough that it starts about on time.
  pollInterval: 200,
  taskList: taskList(),
  // Parsed here so an empty schedule does not make graphile-worker look for a crontab file.
  parsedCronItems: cronItems(),
  logger: workerLogger,
  // Batching (graphile-worker's performance guide): under bursts, such as webhook floods,
  // one query fetches and locks many jobs, and completions in the same tick share one
  // query. A crash can then re-run a just-completed job: every task is idempotent.
  preset: {
    worker: {
      localQueue: { size: env.WORKER_CONCURRENCY * 4, refetchDelay: { durationMs: 20 } },
      completeJobBatchDelay: 0,
      failJobBatchDelay: 0,
    },
  },
});
const liveness = startLiveness(() => [...workerIds]);
logger.info({ concurrency: env.WORKER_CONCURRENCY, workerIds: [...workerIds] }, "worker started");

async function stop(signal: string) {
  logger.info({ signal }, "worker stopping");
  await runner.stop();
  await liveness.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
await runner.promise;
