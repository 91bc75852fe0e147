import { SpanStatusCode, trace } from "@opentelemetry/api";
import { parseCronItems, type ParsedCronItem, type TaskList } from "graphile-worker";
import { logger } from "@/server/logger";
import { runWithRequestContext } from "@/server/observability/request-context";
import type { JobDefinition } from "./define";
import { purgeExpiredVisitsJob } from "./analytics";
import { billingJobs } from "./billing";
import { mailJobs } from "./mail";
import { cleanupPendingMediaJob } from "./media";
import { usageJobs } from "./usage";
import { billingRunJob } from "./usage-billing";

/** Every background job. Add new ones here; the worker and tests read this list. */
export const jobs: JobDefinition[] = [
  ...billingJobs,
  cleanupPendingMediaJob,
  purgeExpiredVisitsJob,
  ...usageJobs,
  billingRunJob,
  ...mailJobs,
];

const tracer = trace.getTracer("souk");

/**
 * graphile-worker tasks: payloads are validated; a payload that can never succeed is logged and
 * dropped, not retried forever. Each job runs in a span of its own and in a logging context
 * that names it, so every log line of the job carries its name and id.
 */
export function taskList(definitions: JobDefinition[] = jobs): TaskList {
  return Object.fromEntries(
    definitions.map((job) => [
      job.name,
      async (payload: unknown, helpers) =>
        runWithRequestContext({ requestId: `job-${helpers.job.id}`, job: job.name, jobId: helpers.job.id }, () =>
          tracer.startActiveSpan(`job ${job.name}`, { attributes: { "souk.job": job.name, "souk.job_id": helpers.job.id, "souk.attempt": helpers.job.attempts } }, async (span) => {
            try {
              const parsed = job.schema.safeParse(payload);
              if (!parsed.success) {
                logger.error({ issues: parsed.error.issues }, "invalid job payload; dropped");
                return;
              }
              const result = await job.handle(parsed.data, helpers);
              // A batch's entries settle after the handler returns: the span covers them too.
              if (Array.isArray(result)) {
                const failed = (await Promise.allSettled(result)).filter((r) => r.status === "rejected").length;
                if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: `${failed} of ${result.length} entries failed` });
              }
              return result;
            } catch (error) {
              span.setStatus({ code: SpanStatusCode.ERROR });
              throw error;
            } finally {
              span.end();
            }
          }),
        ),
    ]),
  );
}

/**
 * The schedule as parsed cron items. Built from objects rather than crontab
 * text, whose task identifiers may not contain "." (some job names do).
 */
export function cronItems(definitions: JobDefinition[] = jobs): ParsedCronItem[] {
  return parseCronItems(
    definitions.flatMap((job) => (job.cron ? [{ task: job.name, match: job.cron, identifier: job.name, options: { maxAttempts: 3, backfillPeriod: 0 } }] : [])),
  );
}
