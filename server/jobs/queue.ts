import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { Tx } from "@/server/db/tenancy";
import type { JobDefinition } from "./define";

export type EnqueueOptions = {
  /** Deduplicates: a pending job with the same key is replaced, not doubled. */
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
};

/**
 * Queues a job inside the caller's transaction (graphile-worker's add_job), so
 * the job exists exactly when the change that needs it commits. Use a system
 * transaction: the tenant role has no rights on the queue schema.
 */
export async function enqueueJob<S extends z.ZodType>(tx: Tx, job: JobDefinition<S>, payload: z.input<S>, options: EnqueueOptions = {}) {
  await enqueueJobByName(tx, job.name, payload, { ...options, maxAttempts: options.maxAttempts ?? job.maxAttempts });
}

/**
 * The same, by job name: for the domain, which must not import job modules (they import the
 * domain). The job validates the payload against its own schema when it runs.
 */
export async function enqueueJobByName(tx: Tx, name: string, payload: unknown, options: EnqueueOptions = {}) {
  await tx.execute(sql`select graphile_worker.add_job(
    ${name},
    ${JSON.stringify(payload)}::json,
    run_at => ${options.runAt?.toISOString() ?? null}::timestamptz,
    max_attempts => ${options.maxAttempts ?? 10}::int,
    job_key => ${options.jobKey ?? null}::text
  )`);
}
