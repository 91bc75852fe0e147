import { and, desc, eq, gte, like, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { auditLog, tenants, users } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { ADMIN_PAGE_SIZE } from "./admin-tenants";
import { text } from "./text";

/** Platform admin: the audit trail, filtered, a page at a time or as CSV. */

const optional = (max: number) =>
  text()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || undefined);
/** A time from a datetime-local field carries no zone: the console means UTC. */
const optionalTime = z
  .preprocess((v) => (typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(v) ? `${v}Z` : v), z.union([z.literal(""), z.coerce.date()]))
  .optional()
  .transform((v) => (v instanceof Date ? v : undefined));

export const auditFilterInput = z.object({
  /** A shop's slug. */
  shop: optional(63),
  /** An actor's (or impersonating admin's) email address. */
  actor: optional(254),
  /** An action, or a prefix ending in "." (for example "tenant."). */
  action: optional(100),
  from: optionalTime,
  to: optionalTime,
});
export type AuditFilter = z.output<typeof auditFilterInput>;
export const listAuditInput = auditFilterInput.extend({ page: z.coerce.number().int().min(1).max(10_000).default(1) });

const actor = alias(users, "actor");
const impersonator = alias(users, "impersonator");

/** Conditions for a filter, or null when it names a shop or person that does not exist (no rows). */
function conditions(filter: AuditFilter, ids: { tenantId?: string | null; userId?: string | null }): SQL[] | null {
  const where: SQL[] = [];
  if (filter.shop) {
    if (!ids.tenantId) return null;
    where.push(eq(auditLog.tenantId, ids.tenantId));
  }
  if (filter.actor) {
    if (!ids.userId) return null;
    where.push(sql`(${auditLog.actorUserId} = ${ids.userId} or ${auditLog.impersonatorUserId} = ${ids.userId})`);
  }
  if (filter.action) where.push(filter.action.endsWith(".") ? like(auditLog.action, `${filter.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : eq(auditLog.action, filter.action));
  if (filter.from) where.push(gte(auditLog.createdAt, filter.from));
  if (filter.to) where.push(lt(auditLog.createdAt, filter.to));
  return where;
}

async function resolve(filter: AuditFilter) {
  return withSystem("admin-audit", async (tx) => {
    const [tenant] = filter.shop ? await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, filter.shop.toLowerCase())) : [];
    const [user] = filter.actor ? await tx.select({ id: users.id }).from(users).where(eq(users.email, filter.actor.toLowerCase())) : [];
    return { tenantId: tenant?.id ?? null, userId: user?.id ?? null };
  });
}

const columns = {
  id: auditLog.id,
  createdAt: auditLog.createdAt,
  action: auditLog.action,
  shop: tenants.slug,
  tenantId: auditLog.tenantId,
  actorEmail: actor.email,
  actorUserId: auditLog.actorUserId,
  impersonatorEmail: impersonator.email,
  impersonatorUserId: auditLog.impersonatorUserId,
  targetType: auditLog.targetType,
  targetId: auditLog.targetId,
  metadata: auditLog.metadata,
  requestId: auditLog.requestId,
};

export type AuditRow = { [K in keyof typeof columns]: (typeof columns)[K]["_"]["data"] | null };

function selectRows(where: SQL[], beforeId: number | null, limit: number, offset = 0) {
  return withSystem("admin-audit", (tx) =>
    tx
      .select(columns)
      .from(auditLog)
      .leftJoin(tenants, eq(tenants.id, auditLog.tenantId))
      .leftJoin(actor, eq(actor.id, auditLog.actorUserId))
      .leftJoin(impersonator, eq(impersonator.id, auditLog.impersonatorUserId))
      .where(and(...where, beforeId === null ? undefined : lt(auditLog.id, beforeId)))
      .orderBy(desc(auditLog.id))
      .limit(limit)
      .offset(offset),
  );
}

export async function listAudit(input: z.output<typeof listAuditInput>) {
  const where = conditions(input, await resolve(input));
  if (!where) return { rows: [], page: input.page, pageSize: ADMIN_PAGE_SIZE, hasMore: false };
  const rows = await selectRows(where, null, ADMIN_PAGE_SIZE + 1, (input.page - 1) * ADMIN_PAGE_SIZE);
  return { rows: rows.slice(0, ADMIN_PAGE_SIZE), page: input.page, pageSize: ADMIN_PAGE_SIZE, hasMore: rows.length > ADMIN_PAGE_SIZE };
}

const CSV_BATCH = 1000;

/** Every row of a filter, newest first, in batches (keyset on id: no offset scans, one short transaction each). */
export async function* auditRowsForExport(filter: AuditFilter): AsyncGenerator<AuditRow[]> {
  const where = conditions(filter, await resolve(filter));
  if (!where) return;
  let before: number | null = null;
  for (;;) {
    const rows = await selectRows(where, before, CSV_BATCH);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < CSV_BATCH) return;
    before = rows[rows.length - 1]!.id;
  }
}

export const auditCsvHeader = ["id", "time", "action", "shop", "tenant_id", "actor", "actor_user_id", "impersonator", "impersonator_user_id", "target_type", "target_id", "metadata", "request_id"];

/**
 * One CSV field (RFC 4180 quoting). A field a spreadsheet would run as a formula (=, +, -, @,
 * tab, CR) is prefixed with a quote: audit metadata carries user-typed text.
 */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditCsvLine(r: AuditRow): string {
  return [r.id, r.createdAt, r.action, r.shop, r.tenantId, r.actorEmail, r.actorUserId, r.impersonatorEmail, r.impersonatorUserId, r.targetType, r.targetId, r.metadata, r.requestId].map(csvField).join(",") + "\r\n";
}
