import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { impersonations, users } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { recordAudit } from "./audit";
import type { Actor } from "./context";
import { DomainError } from "./errors";
import { text } from "./text";

/**
 * Impersonation: a platform admin acts as another user for at most an hour. The row in
 * `impersonations` is the truth; the admin's session JWT only names it (`imp`), and every
 * request re-checks it (sessionState), so Stop and expiry take effect on the next request
 * whatever cookie the browser holds.
 */

export const IMPERSONATION_MINUTES = 60;

export const startImpersonationInput = z.object({
  userId: z.uuid(),
  reason: text().trim().min(3, "Say why (at least 3 characters)").max(500, "Use at most 500 characters"),
  /** The shop page it was started from, for the trail. */
  tenantId: z.uuid().optional(),
});

export type ImpersonationStarted = { id: string; targetUserId: string; expiresAt: Date };

/**
 * Starts impersonating `input.userId` as the admin `actor.userId` (the caller checked the admin).
 * 1. Another platform admin, a disabled account or oneself is refused.
 * 2. The admin's earlier impersonation, if any, ends: one at a time.
 * 3. The row and its audit entry commit together.
 */
export async function startImpersonation(actor: Actor & { userId: string }, input: z.output<typeof startImpersonationInput>): Promise<ImpersonationStarted> {
  return withSystem("impersonation-start", async (tx) => {
    const [target] = await tx
      .select({ id: users.id, email: users.email, isPlatformAdmin: users.isPlatformAdmin, disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.id, input.userId));
    if (!target) throw new DomainError("not_found", "No such user");
    if (target.id === actor.userId) throw new DomainError("bad_request", "You cannot impersonate yourself.");
    if (target.isPlatformAdmin) throw new DomainError("forbidden", "Platform admins cannot be impersonated.");
    if (target.disabledAt) throw new DomainError("precondition_failed", "This account is disabled.");
    const now = new Date();
    await tx
      .update(impersonations)
      .set({ endedAt: now })
      .where(and(eq(impersonations.adminUserId, actor.userId), isNull(impersonations.endedAt)));
    const expiresAt = new Date(now.getTime() + IMPERSONATION_MINUTES * 60_000);
    const [row] = await tx
      .insert(impersonations)
      .values({ adminUserId: actor.userId, targetUserId: target.id, fromTenantId: input.tenantId ?? null, reason: input.reason, startedAt: now, expiresAt })
      .returning({ id: impersonations.id });
    await recordAudit(tx, { userId: actor.userId, requestId: actor.requestId }, {
      tenantId: input.tenantId ?? null,
      action: "impersonation.started",
      targetType: "user",
      targetId: target.id,
      metadata: { impersonationId: row!.id, email: target.email, reason: input.reason, expiresAt: expiresAt.toISOString() },
    });
    return { id: row!.id, targetUserId: target.id, expiresAt };
  });
}

/** Ends the impersonating admin's current impersonation (Stop in the banner); false when none was running. */
export async function stopImpersonation(actor: Actor): Promise<boolean> {
  const adminId = actor.impersonatorUserId;
  if (!adminId) return false;
  return withSystem("impersonation-stop", async (tx) => {
    const ended = await tx
      .update(impersonations)
      .set({ endedAt: new Date() })
      .where(and(eq(impersonations.adminUserId, adminId), isNull(impersonations.endedAt)))
      .returning({ id: impersonations.id, targetUserId: impersonations.targetUserId, fromTenantId: impersonations.fromTenantId });
    for (const row of ended) {
      await recordAudit(tx, actor, {
        tenantId: row.fromTenantId,
        action: "impersonation.ended",
        targetType: "user",
        targetId: row.targetUserId,
        metadata: { impersonationId: row.id },
      });
    }
    return ended.length > 0;
  });
}

export type SessionState = {
  sessionVersion: number;
  /** The running impersonation the token names, or null when it named none or it has ended or expired. */
  impersonation: { id: string; targetUserId: string; expiresAt: Date } | null;
};

/**
 * What a session token is worth now, in one query per request: null when the account is gone
 * or disabled; else its session version and, if `impersonationId` is given, that impersonation
 * while it is this admin's, not ended, not expired, and its target still enabled.
 */
export async function sessionState(userId: string, impersonationId: string | null): Promise<SessionState | null> {
  const target = alias(users, "target");
  const imp = impersonationId && z.uuid().safeParse(impersonationId).success ? impersonationId : null;
  const [row] = await withSystem("session-check", (tx) =>
    tx
      .select({
        sessionVersion: users.sessionVersion,
        disabledAt: users.disabledAt,
        impersonationId: impersonations.id,
        targetUserId: target.id,
        expiresAt: impersonations.expiresAt,
      })
      .from(users)
      .leftJoin(
        impersonations,
        and(
          imp ? eq(impersonations.id, imp) : sql`false`,
          eq(impersonations.adminUserId, users.id),
          isNull(impersonations.endedAt),
          gt(impersonations.expiresAt, sql`now()`),
        ),
      )
      .leftJoin(target, and(eq(target.id, impersonations.targetUserId), isNull(target.disabledAt), eq(target.isPlatformAdmin, false)))
      .where(eq(users.id, userId)),
  );
  if (!row || row.disabledAt) return null;
  const running = row.impersonationId && row.targetUserId && row.expiresAt ? { id: row.impersonationId, targetUserId: row.targetUserId, expiresAt: row.expiresAt } : null;
  return { sessionVersion: row.sessionVersion, impersonation: running };
}

/** What the banner shows while `actor` is being impersonated; null otherwise. */
export async function getImpersonationBanner(actor: Actor) {
  const adminId = actor.impersonatorUserId;
  const targetId = actor.userId;
  if (!adminId || !targetId) return null;
  const admin = alias(users, "admin");
  const [row] = await withSystem("impersonation-banner", (tx) =>
    tx
      .select({ targetUserId: users.id, email: users.email, name: users.name, adminEmail: admin.email, expiresAt: impersonations.expiresAt })
      .from(impersonations)
      .innerJoin(users, eq(users.id, impersonations.targetUserId))
      .innerJoin(admin, eq(admin.id, impersonations.adminUserId))
      .where(and(eq(impersonations.adminUserId, adminId), eq(impersonations.targetUserId, targetId), isNull(impersonations.endedAt), gt(impersonations.expiresAt, sql`now()`))),
  );
  return row ?? null;
}
