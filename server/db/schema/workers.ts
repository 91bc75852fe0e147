import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";

/**
 * Job workers alive now (global, tiny: one row per graphile-worker id of a running process).
 * Each worker process writes a heartbeat every few seconds; the others release the jobs of one
 * whose heartbeat stopped (killed, host lost), instead of graphile-worker's four-hour wait.
 */
export const workerHeartbeats = pgTable("worker_heartbeats", {
  /** graphile-worker's id for a pool or worker: the `locked_by` of the jobs it holds. */
  workerId: text().primaryKey(),
  pid: integer().notNull(),
  host: text().notNull(),
  startedAt: createdAt(),
  heartbeatAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
