import { and, asc, count, desc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { memberships, plans, provisioningLogs, subscriptions, tenants, tenantStatus, usageStatements, users } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { env } from "@/server/env";
import { cancelSubscriptionNow } from "@/server/integrations/stripe";
import type { Actor } from "./context";
import { DomainError } from "./errors";
import { retryProvisioning, transitionTenant } from "./lifecycle";
import { text } from "./text";

/** Platform admin: the tenants list, a tenant's page, and its lifecycle actions (through lifecycle.ts). */

export const ADMIN_PAGE_SIZE = 25;

const search = text().trim().max(100).optional();
const page = z.coerce.number().int().min(1).max(10_000).default(1);

export const listTenantsInput = z.object({
  q: search,
  status: z.enum(tenantStatus.enumValues).optional(),
  plan: text().trim().max(40).optional(),
  sort: z.enum(["created", "name", "slug", "status", "plan"]).default("created"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  page,
});

const sortColumns = { created: tenants.createdAt, name: tenants.name, slug: tenants.slug, status: tenants.status, plan: tenants.plan } as const;

/** Escapes LIKE's wildcards so a search for "50%" means those characters. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listTenants(input: z.output<typeof listTenantsInput>) {
  const where: SQL[] = [];
  if (input.q) where.push(or(ilike(tenants.name, likePattern(input.q)), ilike(tenants.slug, likePattern(input.q)))!);
  if (input.status) where.push(eq(tenants.status, input.status));
  if (input.plan) where.push(eq(tenants.plan, input.plan));
  const filter = where.length ? and(...where) : undefined;
  const order = input.dir === "asc" ? asc(sortColumns[input.sort]) : desc(sortColumns[input.sort]);
  return withSystem("admin-tenants", async (tx) => {
    const rows = await tx
      .select({
        id: tenants.id,
        slug: tenants.slug,
        name: tenants.name,
        status: tenants.status,
        plan: tenants.plan,
        createdAt: tenants.createdAt,
        subscriptionStatus: subscriptions.status,
        members: sql<number>`(select count(*)::int from ${memberships} m where m.tenant_id = ${tenants.id})`,
      })
      .from(tenants)
      .leftJoin(subscriptions, eq(subscriptions.tenantId, tenants.id))
      .where(filter)
      .orderBy(order, asc(tenants.id))
      .limit(ADMIN_PAGE_SIZE)
      .offset((input.page - 1) * ADMIN_PAGE_SIZE);
    const [total] = await tx.select({ n: count() }).from(tenants).where(filter);
    return { rows, total: total?.n ?? 0, page: input.page, pageSize: ADMIN_PAGE_SIZE };
  });
}

/** Subscription statuses whose plan price counts as recurring revenue. */
const paying = ["active", "past_due"];

/**
 * The figures at the top of the console: tenants per status, and MRR per currency (the monthly
 * price of each live shop's plan while its subscription is paying; exact decimals in SQL).
 */
export async function platformSummary() {
  return withSystem("admin-summary", async (tx) => {
    const byStatus = await tx.select({ status: tenants.status, n: count() }).from(tenants).groupBy(tenants.status);
    const mrr = await tx
      .select({ currency: plans.currency, amount: sql<string>`sum(${plans.monthlyPrice})::text`, shops: count() })
      .from(tenants)
      .innerJoin(subscriptions, eq(subscriptions.tenantId, tenants.id))
      .innerJoin(plans, eq(plans.id, tenants.plan))
      .where(and(inArray(tenants.status, ["active", "suspended"]), inArray(subscriptions.status, paying)))
      .groupBy(plans.currency)
      .orderBy(plans.currency);
    const [userCount] = await tx.select({ n: count() }).from(users);
    const statuses = Object.fromEntries(tenantStatus.enumValues.map((s) => [s, byStatus.find((r) => r.status === s)?.n ?? 0]));
    const planIds = await tx.select({ id: plans.id, name: plans.name }).from(plans).orderBy(plans.sortOrder);
    return { statuses, tenants: byStatus.reduce((a, r) => a + r.n, 0), users: userCount?.n ?? 0, mrr, plans: planIds };
  });
}

export const tenantIdInput = z.object({ tenantId: z.uuid() });

/** Everything the tenant page shows. */
export async function getTenantDetail(input: z.output<typeof tenantIdInput>) {
  return withSystem("admin-tenant", async (tx) => {
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, input.tenantId));
    if (!tenant) throw new DomainError("not_found", "No such tenant");
    const [subscription] = await tx.select().from(subscriptions).where(eq(subscriptions.tenantId, tenant.id));
    const [plan] = await tx.select().from(plans).where(eq(plans.id, tenant.plan));
    const log = await tx
      .select()
      .from(provisioningLogs)
      .where(eq(provisioningLogs.tenantId, tenant.id))
      .orderBy(desc(provisioningLogs.id))
      .limit(100);
    const statements = await tx
      .select()
      .from(usageStatements)
      .where(eq(usageStatements.tenantId, tenant.id))
      .orderBy(desc(usageStatements.period))
      .limit(24);
    const members = await tx
      .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, isPlatformAdmin: users.isPlatformAdmin, disabledAt: users.disabledAt, since: memberships.createdAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.tenantId, tenant.id))
      .orderBy(asc(users.email));
    return {
      tenant,
      subscription: subscription ?? null,
      plan: plan ?? null,
      log,
      statements,
      members,
      retentionDays: env.TENANT_RETENTION_DAYS,
      purgeAfter: tenant.deletedAt ? new Date(tenant.deletedAt.getTime() + env.TENANT_RETENTION_DAYS * 86_400_000) : null,
    };
  });
}

const reason = text().trim().min(3, "Give a reason (at least 3 characters)").max(500, "Use at most 500 characters");
export const tenantActionInput = z.object({ tenantId: z.uuid(), reason });
export type TenantActionInput = z.output<typeof tenantActionInput>;

/** A platform admin (userId), or a platform key with the admin scope (no user: the CLI, the operator's services). */
type AdminActor = Actor & { apiKey?: { keyId: string } | null };

/** The cause written to the lifecycle log: which admin, or which platform key. */
const causeOf = (actor: AdminActor) => (actor.userId ? `admin:${actor.userId}` : `platform-key:${actor.apiKey?.keyId ?? "unknown"}`);

/** A lifecycle change asked by an admin: the transition's audit row names the admin, the cause and the reason. */
async function adminTransition(actor: AdminActor, input: TenantActionInput, to: "suspended" | "active" | "deleted", from: string[], refusal: string) {
  return withSystem("admin-lifecycle", async (tx) => {
    const [row] = await tx.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, input.tenantId)).for("update");
    if (!row) throw new DomainError("not_found", "No such tenant");
    if (!from.includes(row.status)) throw new DomainError("precondition_failed", `${refusal} (it is ${row.status}).`);
    const detail: Record<string, unknown> = { reason: input.reason };
    if (to === "deleted") detail.retentionDays = env.TENANT_RETENTION_DAYS;
    return transitionTenant(tx, input.tenantId, to, causeOf(actor), detail, actor);
  });
}

export function suspendTenant(actor: AdminActor, input: TenantActionInput) {
  return adminTransition(actor, input, "suspended", ["active"], "Only an active shop can be suspended");
}

export function resumeTenant(actor: AdminActor, input: TenantActionInput) {
  return adminTransition(actor, input, "active", ["suspended"], "Only a suspended shop can be resumed");
}

/**
 * Deletes a shop the way an ended subscription does:
 * 1. cancel its Stripe subscription first (outside any transaction), so nothing is billed for a
 *    deleted shop; a failure there stops here with the shop untouched;
 * 2. then the transition to deleted, kept TENANT_RETENTION_DAYS before the purge job removes it.
 */
export async function deleteTenant(actor: AdminActor, input: TenantActionInput) {
  const [sub] = await withSystem("admin-lifecycle", (tx) =>
    tx.select({ id: subscriptions.stripeSubscriptionId, status: subscriptions.status }).from(subscriptions).where(eq(subscriptions.tenantId, input.tenantId)),
  );
  if (sub?.id && !["canceled", "incomplete_expired", "none"].includes(sub.status)) await cancelSubscriptionNow(sub.id);
  return adminTransition(actor, input, "deleted", ["pending", "provisioning", "failed", "active", "suspended"], "This shop is already deleted");
}

/** Queues provisioning again for a failed shop, audited with the admin as actor. */
export async function retryTenantProvisioning(actor: AdminActor, input: TenantActionInput) {
  await retryProvisioning(input.tenantId, causeOf(actor), { actor, metadata: { reason: input.reason } });
  return { queued: true };
}
