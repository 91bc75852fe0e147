import { sql } from "drizzle-orm";
import { pgPolicy, pgRole, timestamp, uuid, type AnyPgColumn } from "drizzle-orm/pg-core";

/**
 * Shared column helpers and the tenant row-level-security policy. Every tenant
 * table uses `tenantId()` as the first column of its primary key and
 * `tenantIsolation()` as its policy (FORCE ROW LEVEL SECURITY is added by a
 * hand-written migration; the isolation test fails for any table without it).
 */

/** The non-bypass role `withTenant` switches to. Created by a migration. */
export const tenantRole = pgRole("souk_tenant").existing();

export const currentTenantId = sql`nullif(current_setting('app.tenant_id', true), '')::uuid`;

export const id = () => uuid().defaultRandom();

export const createdAt = () => timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow();

export const timestamps = {
  createdAt: createdAt(),
  updatedAt: timestamp({ withTimezone: true, mode: "date" })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

export const tenantId = () => uuid("tenant_id").notNull();

/** Rows are visible and writable only while `app.tenant_id` names their tenant. */
export function tenantIsolation(column: AnyPgColumn) {
  const check = sql`${column} = ${currentTenantId}`;
  return pgPolicy("tenant_isolation", { as: "permissive", for: "all", to: tenantRole, using: check, withCheck: check });
}
