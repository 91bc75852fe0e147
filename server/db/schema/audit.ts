import { bigint, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantIsolation } from "./columns";

/**
 * Append-only audit trail: a trigger (migration 0001) rejects UPDATE, DELETE and
 * TRUNCATE. tenant_id is null for platform-level actions; it has no foreign key
 * so the trail outlives a purged tenant.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: uuid(),
    actorUserId: uuid(),
    impersonatorUserId: uuid(),
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    requestId: text(),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.tenantId, t.createdAt), index().on(t.actorUserId, t.createdAt), tenantIsolation(t.tenantId)],
).enableRLS();

export type AuditEntry = typeof auditLog.$inferSelect;
