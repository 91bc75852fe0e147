import { z } from "zod";
import { DomainError } from "@/server/domain/errors";
import { runBilling } from "@/server/domain/usage/billing-run";
import { logger } from "@/server/logger";
import { defineJob } from "./define";

/** The previous UTC calendar month of `now`, as "YYYY-MM": what the monthly run bills. */
export function previousMonth(now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

/**
 * The billing run as a job: monthly by cron for the month that just ended (01:07 UTC on the 1st;
 * graphile-worker runs a cron slot once across all workers), or queued by a platform admin for a
 * period with job key `billing-run:<period>`. A failed attempt is retried and resumes where the
 * last one stopped; a run refused because another run of the period is going is done, not retried.
 */
export const billingRunJob = defineJob({
  name: "usage:billing-run",
  schema: z.object({ period: z.string().optional(), trigger: z.string().optional() }).passthrough(),
  maxAttempts: 5,
  cron: "7 1 1 * *",
  async handle(payload) {
    const period = payload.period ?? previousMonth();
    try {
      await runBilling({ period, trigger: payload.trigger ?? "cron" });
    } catch (error) {
      if (error instanceof DomainError && (error.code === "conflict" || error.code === "bad_request")) {
        logger.warn({ period, error: error.message }, "billing run not started");
        return;
      }
      throw error;
    }
  },
});
