import { and, asc, count, desc, eq, ilike, isNull, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { impersonations, memberships, tenants, users } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { recordAudit } from "./audit";
import type { Actor } from "./context";
import { DomainError } from "./errors";
import { ADMIN_PAGE_SIZE, likePattern } from "./admin-tenants";
import { text } from "./text";

/** Platform admin: users, their shops and roles, disabling an account. */

export const listUsersInput = z.object({
  q: text().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

export async function listUsers(input: z.output<typeof listUsersInput>) {
  const filter: SQL | undefined = input.q ? or(ilike(users.email, likePattern(input.q)), ilike(users.name, likePattern(input.q))) : undefined;
  return withSystem("admin-users", async (tx) => {
    const rows = await tx
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        isPlatformAdmin: users.isPlatformAdmin,
        disabledAt: users.disabledAt,
        createdAt: users.createdAt,
        shops: sql<number>`(select count(*)::int from ${memberships} m where m.user_id = ${users.id})`,
      })
      .from(users)
      .where(filter)
      .orderBy(asc(users.email))
      .limit(ADMIN_PAGE_SIZE)
      .offset((input.page - 1) * ADMIN_PAGE_SIZE);
    const [total] = await tx.select({ n: count() }).from(users).where(filter);
    return { rows, total: total?.n ?? 0, page: input.page, pageSize: ADMIN_PAGE_SIZE };
  });
}

export const userIdInput = z.object({ userId: z.uuid() });

/** A user, the shops they belong to with their role, and the impersonations of them. */
export async function getUserDetail(input: z.output<typeof userIdInput>) {
  const admin = alias(users, "admin");
  return withSystem("admin-user", async (tx) => {
    const [user] = await tx
      .select({ id: users.id, email: users.email, name: users.name, isPlatformAdmin: users.isPlatformAdmin, disabledAt: users.disabledAt, emailVerified: users.emailVerified, createdAt: users.createdAt })
      .from(users)
      .where(eq(users.id, input.userId));
    if (!user) throw new DomainError("not_found", "No such user");
    const shops = await tx
      .select({ tenantId: tenants.id, slug: tenants.slug, name: tenants.name, status: tenants.status, plan: tenants.plan, role: memberships.role })
      .from(memberships)
      .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
      .where(eq(memberships.userId, user.id))
      .orderBy(asc(tenants.slug));
    const impersonated = await tx
      .select({ id: impersonations.id, adminEmail: admin.email, reason: impersonations.reason, startedAt: impersonations.startedAt, expiresAt: impersonations.expiresAt, endedAt: impersonations.endedAt })
      .from(impersonations)
      .innerJoin(admin, eq(admin.id, impersonations.adminUserId))
      .where(eq(impersonations.targetUserId, user.id))
      .orderBy(desc(impersonations.startedAt))
      .limit(20);
    return { user, shops, impersonations: impersonated };
  });
}

export const disableUserInput = z.object({
  userId: z.uuid(),
  reason: text().trim().min(3, "Give a reason (at least 3 characters)").max(500, "Use at most 500 characters"),
});

/**
 * Disables an account: it can no longer sign in, and bumping its session version ends every
 * session it holds on their next request; impersonations of it end too. An admin cannot
 * disable themself (nobody would be left to undo it from this console).
 */
export async function disableUser(actor: Actor & { userId: string }, input: z.output<typeof disableUserInput>) {
  if (input.userId === actor.userId) throw new DomainError("bad_request", "You cannot disable your own account.");
  return withSystem("admin-disable-user", async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ disabledAt: new Date(), sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(and(eq(users.id, input.userId), isNull(users.disabledAt)))
      .returning({ id: users.id, email: users.email });
    if (!row) throw new DomainError("precondition_failed", "No such user, or already disabled.");
    await tx.update(impersonations).set({ endedAt: new Date() }).where(and(eq(impersonations.targetUserId, row.id), isNull(impersonations.endedAt)));
    await recordAudit(tx, actor, { tenantId: null, action: "user.disabled", targetType: "user", targetId: row.id, metadata: { email: row.email, reason: input.reason } });
    return { disabled: true };
  });
}

export async function enableUser(actor: Actor & { userId: string }, input: z.output<typeof userIdInput>) {
  return withSystem("admin-enable-user", async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ disabledAt: null })
      .where(and(eq(users.id, input.userId), sql`${users.disabledAt} is not null`))
      .returning({ id: users.id, email: users.email });
    if (!row) throw new DomainError("precondition_failed", "No such user, or not disabled.");
    await recordAudit(tx, actor, { tenantId: null, action: "user.enabled", targetType: "user", targetId: row.id, metadata: { email: row.email } });
    return { disabled: false };
  });
}
