import { count, desc, eq, ne } from "drizzle-orm";
import { z } from "zod";
import { products, provisioningLogs, subscriptions, tenants, users, type Plan, type Subscription } from "@/server/db/schema";
import { withSystem, type Tx } from "@/server/db/tenancy";
import { env } from "@/server/env";
import {
  changeSubscriptionPlan,
  createCheckoutSession,
  createCustomer,
  createPortalSession,
  customerExists,
  expireOtherCheckoutSessions,
  stripeIsEmulated,
  listInvoices,
  resolveMeteredPriceId,
  resolvePriceId,
  setCancelAtPeriodEnd as stripeSetCancelAtPeriodEnd,
  type InvoiceSnapshot,
} from "@/server/integrations/stripe";
import { recordAudit } from "./audit";
import { apiCallsThisMonth } from "./usage/overview";
import { inTenant, type TenantContext, type TenantScope } from "./context";
import { DomainError } from "./errors";
import { retryProvisioning } from "./lifecycle";
import { currencyDigits } from "./money";
import { getPlan, listPlans, meterEventName, monthlyAmountMinor, overageLookupKey, overageMetrics, planLimit, storedMediaBytes, teamSeatsUsed, type PlanLimit } from "./plans";
import { applySubscriptionSnapshot, lockTenantBilling } from "./subscriptions";
import { trialState, type TrialState } from "./trials";

/**
 * Tenant-facing billing: checkout, plan changes, cancel/undo, portal, overview.
 * Everything that calls Stripe takes a TenantScope (no open transaction) and
 * works in steps: read in a short tenant transaction, call Stripe with no
 * connection held, write in a short billing transaction. A slow Stripe answer
 * then costs a request time, never a pooled connection.
 */

export const paidPlanInput = z.object({ plan: z.enum(["starter", "pro", "museum"]) });
export const cancelInput = z.object({ cancel: z.boolean() });

const liveStatuses = new Set(["active", "trialing", "past_due", "unpaid"]);

async function subscriptionOf(ctx: Pick<TenantContext, "tx" | "tenantId">): Promise<Subscription | null> {
  const [row] = await ctx.tx.select().from(subscriptions).where(eq(subscriptions.tenantId, ctx.tenantId));
  return row ?? null;
}

async function tenantSlug(tx: Tx, tenantId: string): Promise<string> {
  const [tenant] = await tx.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, tenantId));
  if (!tenant) throw new DomainError("not_found", "Shop not found");
  return tenant.slug;
}

/** The plan's Stripe prices: its monthly price, and one metered price per metric it bills overage for. */
async function pricesFor(plan: Plan): Promise<{ priceId: string; meteredPriceIds: string[] }> {
  const lookupKey = plan.stripeLookupKey;
  if (!lookupKey) throw new DomainError("bad_request", `${plan.name} cannot be bought through Checkout.`);
  const digits = currencyDigits(plan.currency);
  const [priceId, ...meteredPriceIds] = await Promise.all([
    resolvePriceId({ planId: plan.id, name: plan.name, lookupKey, monthlyAmountMinor: monthlyAmountMinor(plan), currency: plan.currency }),
    ...overageMetrics(plan).map(([metric, unitAmount]) =>
      resolveMeteredPriceId({
        name: `${plan.name} ${metric.replaceAll("_", " ")} overage`,
        lookupKey: overageLookupKey(lookupKey, metric),
        unitAmount,
        currency: plan.currency,
        currencyDigits: digits,
        eventName: meterEventName(metric),
      }),
    ),
  ]);
  return { priceId: priceId!, meteredPriceIds };
}

export type UsageBar = { limit: PlanLimit; label: string; used: number | null; max: number };

export type BillingOverview = {
  tenant: { id: string; slug: string; name: string; status: string; plan: string };
  /** The free trial, while the shop is on it (ended: read-only until a plan is paid). */
  trial: TrialState | null;
  plan: Plan;
  plans: Plan[];
  subscription: Pick<Subscription, "status" | "currentPeriodEnd" | "cancelAtPeriodEnd" | "pastDueSince" | "plan" | "lastCheckoutSessionId"> | null;
  usage: UsageBar[];
  graceHours: number;
  recentLog: { step: string; status: string; cause: string; error: string | null; detail: Record<string, unknown>; createdAt: Date }[];
};

export async function getBillingOverview(ctx: TenantContext): Promise<BillingOverview> {
  const [tenant] = await ctx.tx.select().from(tenants).where(eq(tenants.id, ctx.tenantId));
  if (!tenant) throw new DomainError("not_found", "Shop not found");
  const all = await listPlans(ctx.tx);
  const plan = all.find((p) => p.id === tenant.plan) ?? (await getPlan(ctx.tx, "trial"));
  const sub = await subscriptionOf(ctx);
  // Seats as the limit counts them: members and pending invitations.
  const seats = await teamSeatsUsed(ctx);
  // Same counting rules as the limit checks: non-archived products, stored media bytes.
  const [productCount] = await ctx.tx.select({ n: count() }).from(products).where(ne(products.status, "archived"));
  const storedBytes = await storedMediaBytes(ctx);
  const recentLog = await ctx.tx
    .select({ step: provisioningLogs.step, status: provisioningLogs.status, cause: provisioningLogs.cause, error: provisioningLogs.error, detail: provisioningLogs.detail, createdAt: provisioningLogs.createdAt })
    .from(provisioningLogs)
    .where(eq(provisioningLogs.tenantId, ctx.tenantId))
    .orderBy(desc(provisioningLogs.id))
    .limit(8);
  return {
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, status: tenant.status, plan: tenant.plan },
    trial: trialState(tenant),
    plan,
    plans: all,
    subscription: sub
      ? { status: sub.status, currentPeriodEnd: sub.currentPeriodEnd, cancelAtPeriodEnd: sub.cancelAtPeriodEnd, pastDueSince: sub.pastDueSince, plan: sub.plan, lastCheckoutSessionId: sub.lastCheckoutSessionId }
      : null,
    usage: [
      { limit: "products", label: "Products", used: productCount?.n ?? 0, max: planLimit(plan, "products") },
      { limit: "teamMembers", label: "Team members", used: seats, max: planLimit(plan, "teamMembers") },
      { limit: "storageBytes", label: "Storage", used: storedBytes, max: planLimit(plan, "storageBytes") },
      { limit: "apiCallsPerMonth", label: "API calls this month", used: await apiCallsThisMonth(ctx), max: planLimit(plan, "apiCallsPerMonth") },
    ],
    graceHours: env.BILLING_GRACE_PERIOD_HOURS,
    recentLog,
  };
}

/**
 * The tenant's Stripe customer, created once (and reused) on first checkout.
 * `existing` and the owner's details were read before; the Stripe calls run
 * with no transaction open.
 */
async function ensureCustomer(scope: TenantScope, existing: Subscription | null, details: { email: string | null; name: string }): Promise<string> {
  // Reused once created. Only against the emulator can it vanish (in-memory, restarted with `npm run dev`).
  if (existing && (!stripeIsEmulated || (await customerExists(existing.stripeCustomerId)))) return existing.stripeCustomerId;
  const customerId = await createCustomer({ tenantId: scope.tenantId, email: details.email, name: details.name, attempt: existing ? Date.now() : 0 });
  // The tenant role may only read subscriptions; the row is written by the billing door.
  return withSystem("billing-customer", async (tx) => {
    if (existing) await tx.update(subscriptions).set({ stripeCustomerId: customerId, stripeSubscriptionId: null, status: "none" }).where(eq(subscriptions.tenantId, scope.tenantId));
    else await tx.insert(subscriptions).values({ tenantId: scope.tenantId, stripeCustomerId: customerId }).onConflictDoNothing();
    // A concurrent first checkout may have stored its customer first: use that one.
    const [row] = await tx.select({ id: subscriptions.stripeCustomerId }).from(subscriptions).where(eq(subscriptions.tenantId, scope.tenantId));
    return row?.id ?? customerId;
  });
}

/** Starts Stripe Checkout for a paid plan; returns the hosted page URL. */
export async function startCheckout(scope: TenantScope, input: z.output<typeof paidPlanInput>): Promise<{ url: string }> {
  // 1. Read what the checkout needs, in one short transaction.
  const { sub, plan, slug, owner } = await inTenant(scope, async (ctx) => {
    const sub = await subscriptionOf(ctx);
    if (sub && liveStatuses.has(sub.status)) throw new DomainError("conflict", "This shop already has a subscription: change its plan instead.");
    const plan = await getPlan(ctx.tx, input.plan);
    const [tenant] = await ctx.tx.select({ slug: tenants.slug, name: tenants.name }).from(tenants).where(eq(tenants.id, ctx.tenantId));
    if (!tenant) throw new DomainError("not_found", "Shop not found");
    const [user] = ctx.userId ? await ctx.tx.select({ email: users.email }).from(users).where(eq(users.id, ctx.userId)) : [];
    return { sub, plan, slug: tenant.slug, owner: { email: user?.email ?? null, name: tenant.name } };
  });
  // 2. Stripe: customer, prices and the session, with no connection held.
  const customerId = await ensureCustomer(scope, sub, owner);
  const base = `${env.APP_URL}/dashboard/${slug}/billing`;
  const session = await createCheckoutSession({
    tenantId: scope.tenantId,
    customerId,
    ...(await pricesFor(plan)),
    plan: plan.id,
    successUrl: `${base}/success?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${base}?checkout=canceled`,
  });
  // 3. One payable checkout per shop: a tab opened earlier can no longer be paid.
  const expired = await expireOtherCheckoutSessions(customerId, session.id);
  // 4. Remember the session and audit it.
  await withSystem("billing-checkout", async (tx) => {
    await tx.update(subscriptions).set({ lastCheckoutSessionId: session.id }).where(eq(subscriptions.tenantId, scope.tenantId));
    await recordAudit(tx, scope, { tenantId: scope.tenantId, action: "billing.checkout_started", targetType: "checkout_session", targetId: session.id, metadata: { plan: plan.id, expired } });
  });
  return { url: session.url };
}

function requireLiveSubscription(sub: Subscription | null): Subscription & { stripeSubscriptionId: string } {
  if (!sub?.stripeSubscriptionId || !liveStatuses.has(sub.status)) throw new DomainError("precondition_failed", "This shop has no active subscription: choose a plan first.");
  return { ...sub, stripeSubscriptionId: sub.stripeSubscriptionId };
}

/** Upgrade or downgrade (prorated by Stripe). The new state is applied at once and again by the webhook (idempotent). */
export async function changePlan(scope: TenantScope, input: z.output<typeof paidPlanInput>): Promise<void> {
  const { sub, plan } = await inTenant(scope, async (ctx) => {
    const sub = requireLiveSubscription(await subscriptionOf(ctx));
    if (sub.plan === input.plan) throw new DomainError("conflict", "The shop is already on this plan.");
    return { sub, plan: await getPlan(ctx.tx, input.plan) };
  });
  const snap = await changeSubscriptionPlan(sub.stripeSubscriptionId, { ...(await pricesFor(plan)), plan: plan.id });
  if (!snap) throw new DomainError("precondition_failed", "Stripe has no subscription item to change; try again shortly.");
  await withSystem("billing-change-plan", async (tx) => {
    await lockTenantBilling(tx, scope.tenantId);
    await applySubscriptionSnapshot(tx, scope.tenantId, snap, `user:${scope.userId}`);
    await recordAudit(tx, scope, { tenantId: scope.tenantId, action: "billing.plan_changed", targetType: "subscription", targetId: sub.stripeSubscriptionId, metadata: { from: sub.plan, to: plan.id } });
  });
}

/** Cancel at period end (cancel: true) or undo it (false). */
export async function setCancelAtPeriodEnd(scope: TenantScope, input: z.output<typeof cancelInput>): Promise<void> {
  const sub = requireLiveSubscription(await inTenant(scope, subscriptionOf));
  const snap = await stripeSetCancelAtPeriodEnd(sub.stripeSubscriptionId, input.cancel);
  await withSystem("billing-cancel", async (tx) => {
    await lockTenantBilling(tx, scope.tenantId);
    await applySubscriptionSnapshot(tx, scope.tenantId, snap, `user:${scope.userId}`);
    await recordAudit(tx, scope, { tenantId: scope.tenantId, action: input.cancel ? "billing.cancel_scheduled" : "billing.cancel_undone", targetType: "subscription", targetId: sub.stripeSubscriptionId });
  });
}

export async function portalUrl(scope: TenantScope): Promise<{ url: string }> {
  const { sub, slug } = await inTenant(scope, async (ctx) => ({ sub: await subscriptionOf(ctx), slug: await tenantSlug(ctx.tx, ctx.tenantId) }));
  if (!sub) throw new DomainError("precondition_failed", "There is no billing account yet: choose a plan first.");
  return { url: await createPortalSession(sub.stripeCustomerId, `${env.APP_URL}/dashboard/${slug}/billing`) };
}

export async function listTenantInvoices(scope: TenantScope): Promise<InvoiceSnapshot[]> {
  const sub = await inTenant(scope, subscriptionOf);
  if (!sub) return [];
  return listInvoices(sub.stripeCustomerId);
}

/** Not inside a tenant transaction: queuing the retry is the provisioning door's work. */
export async function retryTenantProvisioning(scope: TenantScope): Promise<void> {
  await retryProvisioning(scope.tenantId, `user:${scope.userId}`);
}
