import { z } from "zod";
import { withSystem } from "@/server/db/tenancy";
import { maintainUsagePartitions, recordDailyStorage } from "@/server/domain/usage/maintenance";
import { checkUsageAlerts } from "@/server/domain/usage/overview";
import { env } from "@/server/env";
import { logger } from "@/server/logger";
import { defineJob } from "./define";

/** Daily: next months' partitions of usage_events exist before they are needed; months past USAGE_RETENTION_MONTHS are dropped. */
export const maintainUsagePartitionsJob = defineJob({
  name: "usage.maintain-partitions",
  schema: z.object({}).loose(),
  cron: "17 3 * * *",
  maxAttempts: 3,
  async handle() {
    const result = await withSystem("usage-partitions", (tx) => maintainUsagePartitions(tx));
    if (result.created.length || result.dropped.length) logger.info({ ...result, retentionMonths: env.USAGE_RETENTION_MONTHS }, "usage partitions maintained");
  },
});

/** Daily: each shop's stored media as storage_gb_months (idempotent per day). */
export const recordStorageUsageJob = defineJob({
  name: "usage.record-storage",
  schema: z.object({}).loose(),
  cron: "5 0 * * *",
  maxAttempts: 5,
  async handle() {
    const outcomes = await withSystem("usage-storage", (tx) => recordDailyStorage(tx));
    logger.info({ shops: outcomes.length, accepted: outcomes.filter((o) => o.status === "accepted").length }, "storage usage recorded");
  },
});

/** Hourly: mail owners and admins at 80 % and 100 % of an included quantity, once per metric and month. */
export const usageAlertsJob = defineJob({
  name: "usage.check-alerts",
  schema: z.object({}).loose(),
  cron: "41 * * * *",
  maxAttempts: 3,
  async handle() {
    const sent = await checkUsageAlerts();
    if (sent.length) logger.info({ sent: sent.length }, "usage alerts sent");
  },
});

export const usageJobs = [maintainUsagePartitionsJob, recordStorageUsageJob, usageAlertsJob];
