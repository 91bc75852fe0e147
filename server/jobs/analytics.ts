import { z } from "zod";
import { tenants } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { purgeVisitsBefore } from "@/server/domain/analytics";
import { env } from "@/server/env";
import { logger } from "@/server/logger";
import { defineJob } from "./define";

/** Deletes every shop's visits older than VISIT_RETENTION_DAYS, shop by shop (the tenant-leading index); returns how many. */
export async function purgeExpiredVisits(now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - env.VISIT_RETENTION_DAYS * 86_400_000);
  const shops = await withSystem("visit-retention", (tx) => tx.select({ id: tenants.id }).from(tenants));
  let total = 0;
  for (const { id } of shops) {
    let removed: number;
    do {
      removed = await withSystem("visit-retention", (tx) => purgeVisitsBefore(tx, id, cutoff));
      total += removed;
    } while (removed > 0);
  }
  return total;
}

/** Daily: storefront visits are kept for analytics, not forever. */
export const purgeExpiredVisitsJob = defineJob({
  name: "analytics.purge-expired-visits",
  schema: z.object({}).loose(),
  cron: "23 4 * * *",
  maxAttempts: 3,
  async handle() {
    const removed = await purgeExpiredVisits();
    if (removed) logger.info({ removed, retentionDays: env.VISIT_RETENTION_DAYS }, "purged expired storefront visits");
  },
});
