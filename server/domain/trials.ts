import { and, eq, isNotNull, lte, sql } from "drizzle-orm";
import { memberships, plans, tenants, users, type Tenant } from "@/server/db/schema";
import { withSystem, type Tx } from "@/server/db/tenancy";
import { env } from "@/server/env";
import { logger } from "@/server/logger";
import { DomainError } from "./errors";
import { transitionTenant } from "./lifecycle";
import { lockTenantBilling } from "./subscriptions";

/**
 * The free trial. A shop opened on the trial plan gets `trial_ends_at` = now +
 * the plan's `trial_days`. Before that moment the dashboard shows the days left;
 * from it on, the dashboard is read-only (every tenant mutation but billing is
 * refused with PRECONDITION_FAILED) until a plan is paid, and the hourly job below
 * suspends the shop, which takes its storefront offline ("temporarily unavailable",
 * 503, as for any suspended shop: a trial is not a free storefront for ever).
 * Paying moves the shop to the paid plan and back to active (see subscriptions.ts).
 *
 * One account opens at most TRIAL_SHOPS_PER_USER trial shops, and a second shop of
 * any plan needs a verified email address.
 */

const DAY_MS = 86_400_000;

export type TrialState = { endsAt: Date; daysLeft: number; ended: boolean };

/** The shop's trial, or null when it is not on one (a paid plan, a pending checkout). */
export function trialState(tenant: Pick<Tenant, "plan" | "trialEndsAt">, now = new Date()): TrialState | null {
  if (tenant.plan !== "trial" || !tenant.trialEndsAt) return null;
  const left = tenant.trialEndsAt.getTime() - now.getTime();
  return { endsAt: tenant.trialEndsAt, daysLeft: Math.max(0, Math.ceil(left / DAY_MS)), ended: left <= 0 };
}

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "UTC" });

/** Why a write is refused once the trial is over (shown as is in the dashboard). */
export function trialEndedMessage(trial: TrialState): string {
  return `The free trial of this shop ended on ${dateFormat.format(trial.endsAt)}: the shop is read-only until you choose a plan in Billing.`;
}

/** The trial's end for a shop opened now on the trial plan (null: the plan sets no limit). */
export async function trialEndFor(tx: Tx, now = new Date()): Promise<Date | null> {
  const [plan] = await tx.select({ trialDays: plans.trialDays }).from(plans).where(eq(plans.id, "trial"));
  return plan?.trialDays ? new Date(now.getTime() + plan.trialDays * DAY_MS) : null;
}

/**
 * Checks, in the transaction that inserts the shop, that `userId` may open another
 * one: a verified email for any shop after the first, and at most
 * TRIAL_SHOPS_PER_USER trial shops. Serialised per user (advisory lock), so parallel
 * requests cannot both pass. Trial shops are those the user owns on the trial plan
 * that ever started (not pending a paid checkout), ended or deleted ones included
 * until they are purged, so closing a trial does not open a new one.
 */
export async function assertCanOpenShop(tx: Tx, userId: string, plan: string, limit = env.TRIAL_SHOPS_PER_USER): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`open-shop:${userId}`}))`);
  const owned = await tx
    .select({ plan: tenants.plan, status: tenants.status, trialEndsAt: tenants.trialEndsAt })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.userId, userId), eq(memberships.role, "owner")));
  if (owned.some((t) => t.status !== "deleted")) {
    const [user] = await tx.select({ emailVerified: users.emailVerified }).from(users).where(eq(users.id, userId));
    if (!user?.emailVerified) throw new DomainError("precondition_failed", "Verify your email address before opening another shop: use the link we sent you.");
  }
  if (plan !== "trial") return;
  // A trial shop is pending only while it is being opened (its trial end is set at once).
  const trials = owned.filter((t) => t.plan === "trial" && (t.status !== "pending" || t.trialEndsAt !== null)).length;
  if (trials >= limit) {
    const message =
      limit === 0
        ? "New shops start on a paid plan: choose Starter, Pro or Museum."
        : `You already have ${limit === 1 ? "a free trial shop" : `${limit} free trial shops`}: choose a paid plan for this one.`;
    throw new DomainError("limit_reached", message, { plan: [message] });
  }
}

/** Active trial shops whose trial is over (optionally just one). */
const endedTrials = (tx: Tx, now: Date, only?: string) =>
  tx
    .select({ id: tenants.id, trialEndsAt: tenants.trialEndsAt })
    .from(tenants)
    .where(and(only ? eq(tenants.id, only) : undefined, eq(tenants.plan, "trial"), eq(tenants.status, "active"), isNotNull(tenants.trialEndsAt), lte(tenants.trialEndsAt, now)));

/**
 * Suspends every active shop whose trial is over (storefront offline, dashboard
 * read-only), logging the transition with cause `system:trial-ended`. Under each
 * shop's billing lock, and checked again there: a plan paid meanwhile wins.
 */
export async function endExpiredTrials(now = new Date()): Promise<string[]> {
  const due = await withSystem("trial-end", (tx) => endedTrials(tx, now));
  const ended: string[] = [];
  for (const { id, trialEndsAt } of due) {
    const changed = await withSystem("trial-end", async (tx) => {
      await lockTenantBilling(tx, id);
      if ((await endedTrials(tx, now, id)).length === 0) return false;
      return (await transitionTenant(tx, id, "suspended", "system:trial-ended", { reason: "trial ended", trialEndedAt: trialEndsAt?.toISOString() })).changed;
    });
    if (changed) ended.push(id);
  }
  if (ended.length) logger.info({ tenants: ended }, "ended free trials");
  return ended;
}
