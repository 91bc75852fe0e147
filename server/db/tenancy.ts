import { sql } from "drizzle-orm";
import { db, type Tx } from "./client";
import { logger } from "@/server/logger";

/**
 * The two doors into the database.
 *
 * withTenant: a transaction running as the non-bypass role `souk_tenant` with
 * `app.tenant_id` set, so row-level security confines every statement to one
 * tenant. Role and tenant are set in one statement (both transaction-local).
 *
 * withSystem: a transaction with the connection's own (bypass) privileges, for
 * the few named cross-tenant jobs: resolving memberships, webhooks, billing,
 * platform admin. The name is logged so each use can be traced.
 */
export async function withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('role', 'souk_tenant', true), set_config('app.tenant_id', ${tenantId}, true)`,
    );
    return fn(tx);
  });
}

export async function withSystem<T>(purpose: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  logger.debug({ purpose }, "withSystem");
  return db.transaction(fn);
}

export type { Tx };
