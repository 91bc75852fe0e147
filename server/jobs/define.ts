import type { JobHelpers } from "graphile-worker";
import type { z } from "zod";

/**
 * A background job, declared once: its name, payload schema, handler, retry
 * budget and optional cron schedule. Register it in server/jobs/index.ts.
 */
export type JobDefinition<S extends z.ZodType = z.ZodType> = {
  name: string;
  schema: S;
  /**
   * Runs the job. A batch job (array payload) may return one promise per entry: graphile-worker
   * then retries only the entries whose promise rejected.
   */
  handle: (payload: z.output<S>, helpers: JobHelpers) => Promise<void | Promise<unknown>[]>;
  /** Attempts before the job is left failed (graphile-worker backs off exponentially). Default 10. */
  maxAttempts?: number;
  /** graphile-worker crontab schedule, e.g. "0 * * * *" (hourly). */
  cron?: string;
};

export function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}
