import { and, asc, count, eq, gt, isNull, sum } from "drizzle-orm";
import { formatBytes } from "@/lib/format-bytes";
import { mediaAssets, memberships, plans, teamInvitations, tenants, type Plan, type PlanMetric } from "@/server/db/schema";
import { withSystem, type Tx } from "@/server/db/tenancy";
import type { TenantContext } from "./context";
import { DomainError } from "./errors";

export type PlanLimit = "products" | "teamMembers" | "storageBytes" | "apiCallsPerMonth";

const limitColumn: Record<PlanLimit, keyof Pick<Plan, "maxProducts" | "maxTeamMembers" | "maxStorageBytes" | "maxApiCallsPerMonth">> = {
  products: "maxProducts",
  teamMembers: "maxTeamMembers",
  storageBytes: "maxStorageBytes",
  apiCallsPerMonth: "maxApiCallsPerMonth",
};

/** An amount of a limit, as the limit message says it: "25 products", "500 MB of storage". */
const amountOf: Record<PlanLimit, (n: number) => string> = {
  products: (n) => `${n.toLocaleString("en")} products`,
  teamMembers: (n) => `${n.toLocaleString("en")} team members`,
  storageBytes: (n) => `${formatBytes(n)} of storage`,
  apiCallsPerMonth: (n) => `${n.toLocaleString("en")} API calls a month`,
};

/** Every plan, cheapest first. Readable by the tenant role (plans are public). */
export async function listPlans(tx: Tx): Promise<Plan[]> {
  return tx.select().from(plans).orderBy(asc(plans.sortOrder));
}

/** The public plan catalog, outside any tenant (sign-up's plan choice). */
export async function listPlanCatalog(): Promise<Plan[]> {
  return withSystem("plan-catalog", (tx) => listPlans(tx));
}

export async function getPlan(tx: Tx, id: string): Promise<Plan> {
  const [plan] = await tx.select().from(plans).where(eq(plans.id, id));
  if (!plan) throw new DomainError("not_found", `Unknown plan ${id}`);
  return plan;
}

/** The metrics a plan bills overage for, with the unit price (exact decimal string in the plan's currency). */
export function overageMetrics(plan: Plan): [PlanMetric, string][] {
  return Object.entries(plan.overagePrices).filter((e): e is [PlanMetric, string] => typeof e[1] === "string");
}

/** Stripe meter event name that usage of a metric is reported under (one meter per metric). */
export function meterEventName(metric: PlanMetric): string {
  return `souk_${metric}`;
}

/** Lookup key of a plan's metered overage price: the plan's own lookup key, suffixed (souk_pro_monthly_overage_api_calls). */
export function overageLookupKey(planLookupKey: string, metric: PlanMetric): string {
  return `${planLookupKey}_overage_${metric}`;
}

export function planLimit(plan: Plan, limit: PlanLimit): number {
  return plan[limitColumn[limit]];
}

/** The plan's monthly price in minor units (cents) for Stripe; exact (string arithmetic, no floats). */
export function monthlyAmountMinor(plan: Plan): number {
  const [whole = "0", fraction = ""] = plan.monthlyPrice.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0").slice(0, 2));
}

/**
 * Throws limit_reached (PRECONDITION_FAILED) when adding `adding` more to
 * `currentCount` would exceed the tenant's plan, naming the cheapest plan that
 * allows it. Call it in the same transaction as the insert it guards.
 */
export async function assertWithinPlanLimit(ctx: Pick<TenantContext, "tx" | "tenantId">, limit: PlanLimit, currentCount: number, adding = 1): Promise<void> {
  const [row] = await ctx.tx.select({ plan: tenants.plan }).from(tenants).where(eq(tenants.id, ctx.tenantId));
  if (!row) throw new DomainError("not_found", "Shop not found");
  const all = await listPlans(ctx.tx);
  const current = all.find((p) => p.id === row.plan);
  if (!current) throw new DomainError("precondition_failed", `This shop's plan (${row.plan}) is unknown; contact support.`);
  const max = planLimit(current, limit);
  if (currentCount + adding <= max) return;
  const upgrade = all.find((p) => p.sortOrder > current.sortOrder && planLimit(p, limit) >= currentCount + adding);
  const hint = upgrade ? ` Upgrade to ${upgrade.name} for up to ${amountOf[limit](planLimit(upgrade, limit))}.` : " Contact us for a larger plan.";
  throw new DomainError("limit_reached", `Your ${current.name} plan allows ${amountOf[limit](max)}.${hint}`);
}

/** Bytes of media the shop stores, as the storage limit counts them: confirmed images only. */
export async function storedMediaBytes(ctx: Pick<TenantContext, "tx">): Promise<number> {
  const [row] = await ctx.tx.select({ bytes: sum(mediaAssets.bytes) }).from(mediaAssets).where(eq(mediaAssets.status, "ready"));
  return Number(row?.bytes ?? 0);
}

/** The storage limit, for every path that stores media: room for `bytes` more. */
export async function assertStorageFor(ctx: Pick<TenantContext, "tx" | "tenantId">, bytes: number): Promise<void> {
  await assertWithinPlanLimit(ctx, "storageBytes", await storedMediaBytes(ctx), bytes);
}

/**
 * Seats the team-member limit counts: members (owners included) and pending invitations (neither
 * accepted, revoked nor expired), so invitations cannot run past the plan before anyone accepts.
 */
export async function teamSeatsUsed(ctx: Pick<TenantContext, "tx" | "tenantId">, now = new Date()): Promise<number> {
  const [members] = await ctx.tx.select({ n: count() }).from(memberships).where(eq(memberships.tenantId, ctx.tenantId));
  const [pending] = await ctx.tx
    .select({ n: count() })
    .from(teamInvitations)
    .where(and(eq(teamInvitations.tenantId, ctx.tenantId), isNull(teamInvitations.acceptedAt), isNull(teamInvitations.revokedAt), gt(teamInvitations.expiresAt, now)));
  return (members?.n ?? 0) + (pending?.n ?? 0);
}

/**
 * The team-member limit, for every path that adds a seat (an invitation, or renewing an expired
 * one): room for `adding` more beside the members and pending invitations. Accepting an
 * invitation adds nothing (its seat is already counted) and checks with `adding = 0`, which still
 * refuses when a downgrade left the shop over its plan.
 */
export async function assertCanAddTeamMember(ctx: Pick<TenantContext, "tx" | "tenantId">, adding = 1): Promise<void> {
  await assertWithinPlanLimit(ctx, "teamMembers", await teamSeatsUsed(ctx), adding);
}
