import { auditLog } from "@/server/db/schema";
import type { Tx } from "@/server/db/tenancy";
import type { Actor } from "./context";

export type AuditInput = {
  tenantId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, unknown>;
};

/** Writes one audit row inside the caller's transaction, so it commits or rolls back with the change. */
export async function recordAudit(tx: Tx, actor: Actor, entry: AuditInput) {
  await tx.insert(auditLog).values({
    tenantId: entry.tenantId,
    actorUserId: actor.userId,
    impersonatorUserId: actor.impersonatorUserId ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    metadata: entry.metadata ?? {},
    requestId: actor.requestId ?? null,
  });
}
