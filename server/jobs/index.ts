import { parseCronItems, type ParsedCronItem, type TaskList } from "graphile-worker";
import { logger } from "@/server/logger";
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

/** graphile-worker tasks: payloads are validated; a payload that can never succeed is logged and dropped, not retried forever. */
export function taskList(definitions: JobDefinition[] = jobs): TaskList {
  return Object.fromEntries(
    definitions.map((job) => [
      job.name,
      async (payload: unknown, helpers) => {
        const parsed = job.schema.safeParse(payload);
        if (!parsed.success) {
          logger.error({ job: job.name, jobId: helpers.job.id, issues: parsed.error.issues }, "invalid job payload; dropped");
          return;
        }
        return job.handle(parsed.data, helpers);
      },
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
