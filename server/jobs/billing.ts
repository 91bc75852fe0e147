import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { tenants } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { recordAudit } from "@/server/domain/audit";
import { ownerEmails, provisionTenant, tenantsDueForPurge } from "@/server/domain/lifecycle";
import { purgeTenantMedia } from "@/server/domain/media";
import { processStripeEventBatch } from "@/server/domain/stripe-events";
import { reconcileSubscriptions, suspendPastDueTenants } from "@/server/domain/subscriptions";
import { endExpiredTrials } from "@/server/domain/trials";
import { env } from "@/server/env";
import { sendMail } from "@/server/integrations/mail";
import { logger } from "@/server/logger";
import { defineJob } from "./define";

/** Billing and tenant-lifecycle jobs. */

export const processStripeEventsJob = defineJob({
  name: "stripe:process-events",
  // A graphile-worker batch job: one per intake transaction, one entry per new event.
  schema: z.array(z.object({ eventId: z.string().min(1) })).min(1),
  // graphile-worker backs off exponentially between attempts (about 2s, 8s, 27s, …).
  maxAttempts: 8,
  async handle(batch) {
    // One promise per entry: graphile-worker re-queues only the entries that failed.
    return processStripeEventBatch(batch.map((entry) => entry.eventId));
  },
});

export const provisionTenantJob = defineJob({
  name: "tenant:provision",
  schema: z.object({ tenantId: z.uuid(), cause: z.string() }),
  maxAttempts: 3,
  async handle({ tenantId, cause }) {
    const status = await provisionTenant(tenantId, cause);
    logger.info({ tenantId, status }, "provisioning finished");
  },
});

export const sendWelcomeEmailJob = defineJob({
  name: "tenant:welcome-email",
  schema: z.object({ tenantId: z.uuid() }),
  maxAttempts: 5,
  async handle({ tenantId }) {
    const owners = await withSystem("welcome-email", (tx) => ownerEmails(tx, tenantId));
    for (const owner of owners) {
      await sendMail({
        to: owner.email,
        subject: `Welcome to Souk — ${owner.shopName} is ready`,
        text: `Your shop ${owner.shopName} is set up. Open your dashboard: ${env.APP_URL}/dashboard`,
      });
    }
  },
});

export const suspendPastDueJob = defineJob({
  name: "billing:suspend-past-due",
  schema: z.object({}).passthrough(),
  maxAttempts: 5,
  cron: "*/5 * * * *",
  async handle() {
    const suspended = await suspendPastDueTenants();
    if (suspended.length) logger.warn({ suspended }, "suspended tenants past their grace period");
  },
});

export const reconcileSubscriptionsJob = defineJob({
  name: "billing:reconcile",
  schema: z.object({}).passthrough(),
  maxAttempts: 3,
  cron: "17 * * * *",
  async handle() {
    const report = await reconcileSubscriptions();
    logger.info({ checked: report.checked, repaired: report.repaired.length, errors: report.errors.length }, "reconcile finished");
  },
});

export const endTrialsJob = defineJob({
  name: "tenant:end-trials",
  schema: z.object({}).passthrough(),
  maxAttempts: 3,
  // Hourly: writes are refused from the trial's end on by the request check; this takes
  // the storefront offline within the hour.
  cron: "7 * * * *",
  async handle() {
    await endExpiredTrials();
  },
});

export const purgeDeletedTenantsJob = defineJob({
  name: "tenant:purge-deleted",
  schema: z.object({}).passthrough(),
  maxAttempts: 3,
  cron: "41 3 * * *",
  async handle() {
    await purgeDeletedTenants();
  },
});

/**
 * Removes tenants deleted longer ago than TENANT_RETENTION_DAYS (their rows
 * cascade; the audit trail stays). Per tenant, in order:
 * 1. delete its stored objects (its S3 prefixes, in batches), outside any
 *    transaction: images are public, so they must not outlive the shop;
 * 2. then the row. A failure in 1 keeps the row, so the next run (the tenant
 *    is still due) resumes with what is left; never the other way round, which
 *    would lose the only record of which prefix to clean.
 */
export async function purgeDeletedTenants(now = new Date(), s3BatchSize = 1000): Promise<string[]> {
  const before = new Date(now.getTime() - env.TENANT_RETENTION_DAYS * 86_400_000);
  const due = await withSystem("tenant-purge", (tx) => tenantsDueForPurge(tx, before));
  const purged: string[] = [];
  for (const tenantId of due) {
    try {
      const objects = await purgeTenantMedia(tenantId, s3BatchSize);
      if (objects) logger.info({ tenantId, objects }, "deleted a purged tenant's stored objects");
      const deleted = await withSystem("tenant-purge", async (tx) => {
        // Another purge (a second worker) may have removed it meanwhile: audit only our own delete.
        const [row] = await tx.delete(tenants).where(and(eq(tenants.id, tenantId), eq(tenants.status, "deleted"))).returning({ id: tenants.id });
        if (row) await recordAudit(tx, { userId: null }, { tenantId, action: "tenant.purged", targetType: "tenant", targetId: tenantId, metadata: { retentionDays: env.TENANT_RETENTION_DAYS } });
        return Boolean(row);
      });
      if (deleted) purged.push(tenantId);
    } catch (error) {
      logger.error({ err: error, tenantId }, "tenant purge failed");
    }
  }
  return purged;
}

export const billingJobs = [processStripeEventsJob, provisionTenantJob, sendWelcomeEmailJob, suspendPastDueJob, reconcileSubscriptionsJob, endTrialsJob, purgeDeletedTenantsJob];
