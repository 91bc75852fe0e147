import { and, eq, inArray, isNotNull, lte, sql } from "drizzle-orm";
import { plans, provisioningLogs, subscriptions, tenants, type Subscription } from "@/server/db/schema";
import { withSystem, type Tx } from "@/server/db/tenancy";
import { env } from "@/server/env";
import { cancelSubscriptionNow, listCustomerSubscriptions, planForConfiguredPrice, retrieveSubscription, type SubscriptionSnapshot } from "@/server/integrations/stripe";
import { logger } from "@/server/logger";
import { recordAudit } from "./audit";
import { transitionTenant } from "./lifecycle";

/**
 * Applies Stripe's view of a subscription to the tenant: the subscriptions
 * row and the lifecycle. Callers pass a snapshot RE-READ from Stripe (not the
 * webhook payload), so the order in which events arrive cannot matter: the
 * newest state always wins. Runs under a per-tenant advisory lock so two
 * workers never interleave read-from-Stripe and write for the same tenant.
 */
const goodStanding = new Set(["active", "trialing"]);
const overdue = new Set(["past_due", "unpaid"]);
const ended = new Set(["canceled", "incomplete_expired"]);

export async function lockTenantBilling(tx: Tx, tenantId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`billing:${tenantId}`}))`);
}

async function planIdFor(tx: Tx, snap: SubscriptionSnapshot): Promise<string | null> {
  if (snap.priceId) {
    const configured = planForConfiguredPrice(snap.priceId);
    if (configured) return configured;
  }
  if (!snap.priceLookupKey) return null;
  const [row] = await tx.select({ id: plans.id }).from(plans).where(eq(plans.stripeLookupKey, snap.priceLookupKey));
  return row?.id ?? null;
}

export type SyncChange = { field: string; from: unknown; to: unknown };

/** Statuses in which a subscription still bills (or will, once paid). */
const live = new Set([...goodStanding, ...overdue]);

/** Stripe's order of creation, with the id breaking ties within a second: the same answer everywhere. */
const createdBefore = (a: SubscriptionSnapshot, b: SubscriptionSnapshot) => a.created < b.created || (a.created === b.created && a.id < b.id);

/**
 * One shop, one subscription. Two checkout tabs can both be paid before either webhook
 * is processed; the shop keeps the OLDER live subscription (the one paid first, which
 * provisioning may already have acted on) and the newer one is canceled at once,
 * prorated, so what was paid for it becomes a credit on the shop's Stripe balance
 * that pays its next invoices (no card refund: the customer is the same). Each
 * cancellation is written to the provisioning log and the audit trail.
 * Call under the tenant's billing lock. Returns the subscription to apply.
 */
export async function keepOneSubscription(tx: Tx, tenantId: string, snap: SubscriptionSnapshot, cause: string): Promise<SubscriptionSnapshot> {
  if (!live.has(snap.status)) return snap;
  const [current] = await tx.select({ id: subscriptions.stripeSubscriptionId, status: subscriptions.status }).from(subscriptions).where(eq(subscriptions.tenantId, tenantId));
  if (!current?.id || current.id === snap.id || !live.has(current.status)) return snap;
  // The stored row may be behind Stripe: ask whether the other one still bills.
  const other = await retrieveSubscription(current.id);
  if (!other || !live.has(other.status)) return snap;
  const [keep, drop] = createdBefore(other, snap) ? [other, snap] : [snap, other];
  await cancelDuplicate(tx, tenantId, keep, drop, cause);
  return keep;
}

async function cancelDuplicate(tx: Tx, tenantId: string, keep: SubscriptionSnapshot, drop: SubscriptionSnapshot, cause: string) {
  const canceled = await cancelSubscriptionNow(drop.id);
  const detail = { kept: keep.id, canceled: drop.id, canceledPrice: drop.priceLookupKey ?? drop.priceId, creditMinor: canceled?.creditMinor ?? 0, alreadyCanceled: canceled === null };
  await tx.insert(provisioningLogs).values({ tenantId, step: "duplicate_subscription", status: "succeeded", cause, detail });
  await recordAudit(tx, { userId: null }, { tenantId, action: "billing.duplicate_subscription_canceled", targetType: "subscription", targetId: drop.id, metadata: { ...detail, cause } });
  logger.warn({ tenantId, ...detail }, "canceled a second live subscription of one shop");
}

export async function applySubscriptionSnapshot(
  tx: Tx,
  tenantId: string,
  snap: SubscriptionSnapshot,
  cause: string,
  eventCreated = 0,
): Promise<SyncChange[]> {
  const [current] = await tx.select().from(subscriptions).where(eq(subscriptions.tenantId, tenantId)).for("update");
  // An ended subscription that is not the tenant's current one (e.g. an old one
  // replaced by a new checkout) must not end the tenant.
  if (current?.stripeSubscriptionId && current.stripeSubscriptionId !== snap.id && ended.has(snap.status) && !ended.has(current.status)) {
    return [];
  }
  const plan = await planIdFor(tx, snap);
  const now = new Date();
  const next = {
    stripeCustomerId: snap.customerId,
    stripeSubscriptionId: snap.id,
    stripePriceId: snap.priceId,
    plan: plan ?? current?.plan ?? null,
    status: snap.status,
    currentPeriodEnd: snap.currentPeriodEnd,
    cancelAtPeriodEnd: snap.cancelAtPeriodEnd,
    pastDueSince: overdue.has(snap.status) ? (current?.pastDueSince ?? now) : null,
    lastEventCreated: Math.max(current?.lastEventCreated ?? 0, eventCreated),
  };
  const changes: SyncChange[] = [];
  for (const field of ["stripeSubscriptionId", "stripePriceId", "plan", "status", "currentPeriodEnd", "cancelAtPeriodEnd"] as const) {
    const before = current?.[field] ?? null;
    const after = next[field] ?? null;
    const same = before instanceof Date && after instanceof Date ? before.getTime() === after.getTime() : before === after;
    if (!same) changes.push({ field, from: before, to: after });
  }
  if (current) await tx.update(subscriptions).set(next).where(eq(subscriptions.tenantId, tenantId));
  else await tx.insert(subscriptions).values({ tenantId, ...next });

  const [tenant] = await tx.select({ status: tenants.status, plan: tenants.plan }).from(tenants).where(eq(tenants.id, tenantId));
  if (!tenant) return changes;
  if (goodStanding.has(snap.status) || overdue.has(snap.status)) {
    if (plan && tenant.plan !== plan) {
      await tx.update(tenants).set({ plan }).where(eq(tenants.id, tenantId));
      await tx.insert(provisioningLogs).values({ tenantId, step: "plan_change", status: "succeeded", cause, detail: { from: tenant.plan, to: plan } });
      changes.push({ field: "tenant.plan", from: tenant.plan, to: plan });
    }
  }
  if ((goodStanding.has(snap.status) || overdue.has(snap.status)) && (tenant.status === "pending" || tenant.status === "failed")) {
    // Paid at least once (a past-due subscription had a first paid period): provision.
    // Provisioning runs as its own resumable job; the checkout only queues it.
    const { enqueueJob } = await import("@/server/jobs/queue");
    const { provisionTenantJob } = await import("@/server/jobs/billing");
    await enqueueJob(tx, provisionTenantJob, { tenantId, cause }, { jobKey: `provision:${tenantId}` });
    changes.push({ field: "tenant.provisioning", from: tenant.status, to: "queued" });
  }
  if (goodStanding.has(snap.status)) {
    if (tenant.status === "suspended") {
      await transitionTenant(tx, tenantId, "active", cause, { reason: "paid" });
      changes.push({ field: "tenant.status", from: "suspended", to: "active" });
    }
  } else if (overdue.has(snap.status) && !current?.pastDueSince) {
    // Suspension happens after the grace period, by job; queue a check for then.
    const { enqueueJob } = await import("@/server/jobs/queue");
    const { suspendPastDueJob } = await import("@/server/jobs/billing");
    const runAt = new Date(now.getTime() + env.BILLING_GRACE_PERIOD_HOURS * 3_600_000);
    await enqueueJob(tx, suspendPastDueJob, {}, { runAt, jobKey: `suspend-past-due:${tenantId}` });
  } else if (ended.has(snap.status)) {
    // Also from pending: the subscription existed and ended before the app saw it start.
    const t = await transitionTenant(tx, tenantId, "deleted", cause, { reason: "subscription ended", retentionDays: env.TENANT_RETENTION_DAYS });
    if (t.changed) changes.push({ field: "tenant.status", from: t.from, to: "deleted" });
  }
  return changes;
}

/** Suspends tenants whose subscription has been past due longer than the grace period. */
export async function suspendPastDueTenants(now = new Date()): Promise<string[]> {
  const cutoff = new Date(now.getTime() - env.BILLING_GRACE_PERIOD_HOURS * 3_600_000);
  /** Active tenants past due since before the cutoff (optionally one of them). */
  const dueTenants = (tx: Tx, only?: string) =>
    tx
      .select({ tenantId: subscriptions.tenantId })
      .from(subscriptions)
      .innerJoin(tenants, eq(tenants.id, subscriptions.tenantId))
      .where(
        and(
          only ? eq(subscriptions.tenantId, only) : undefined,
          inArray(subscriptions.status, [...overdue]),
          isNotNull(subscriptions.pastDueSince),
          lte(subscriptions.pastDueSince, cutoff),
          eq(tenants.status, "active"),
        ),
      );
  const candidates = await withSystem("billing-grace-period", (tx) => dueTenants(tx));
  const suspended: string[] = [];
  for (const { tenantId } of candidates) {
    // Under the tenant's billing lock, and checked again there: a payment processed since
    // the list was read must win, or the shop would be suspended after it was paid for.
    const changed = await withSystem("billing-grace-period", async (tx) => {
      await lockTenantBilling(tx, tenantId);
      if ((await dueTenants(tx, tenantId)).length === 0) return false;
      return (await transitionTenant(tx, tenantId, "suspended", "system:grace-period", { graceHours: env.BILLING_GRACE_PERIOD_HOURS })).changed;
    });
    if (changed) suspended.push(tenantId);
  }
  return suspended;
}

export type ReconcileReport = { checked: number; repaired: { tenantId: string; changes: SyncChange[] }[]; errors: { tenantId: string; error: string }[] };

/**
 * Re-reads every tenant's subscriptions from Stripe and repairs drift (missed
 * or failed webhooks). The tenant's current subscription is its newest one that
 * has not ended, else its newest. Every repair is logged.
 */
export async function reconcileSubscriptions(): Promise<ReconcileReport> {
  const rows: Pick<Subscription, "tenantId" | "stripeCustomerId">[] = await withSystem("billing-reconcile", (tx) =>
    tx.select({ tenantId: subscriptions.tenantId, stripeCustomerId: subscriptions.stripeCustomerId }).from(subscriptions),
  );
  const report: ReconcileReport = { checked: 0, repaired: [], errors: [] };
  for (const row of rows) {
    report.checked++;
    try {
      const subs = await listCustomerSubscriptions(row.stripeCustomerId);
      // More than one live subscription: the oldest stays, as in webhook processing.
      const liveSubs = subs.filter((s) => live.has(s.status)).sort((a, b) => (createdBefore(a, b) ? -1 : 1));
      const current = liveSubs[0] ?? subs.find((s) => !ended.has(s.status)) ?? subs[0];
      if (!current) continue;
      const changes = await withSystem("billing-reconcile", async (tx) => {
        await lockTenantBilling(tx, row.tenantId);
        for (const extra of liveSubs.slice(1)) await cancelDuplicate(tx, row.tenantId, current, extra, "reconcile");
        const applied = await applySubscriptionSnapshot(tx, row.tenantId, current, "reconcile");
        if (applied.length) {
          await tx.insert(provisioningLogs).values({ tenantId: row.tenantId, step: "reconcile", status: "succeeded", cause: "reconcile", detail: { subscription: current.id, changes: applied } });
        }
        return applied;
      });
      if (changes.length) {
        report.repaired.push({ tenantId: row.tenantId, changes });
        logger.warn({ tenantId: row.tenantId, subscription: current.id, changes }, "reconcile repaired subscription drift");
      }
    } catch (error) {
      report.errors.push({ tenantId: row.tenantId, error: error instanceof Error ? error.message : String(error) });
      logger.error({ err: error, tenantId: row.tenantId }, "reconcile failed for tenant");
    }
  }
  return report;
}
