import { sql } from "drizzle-orm";
import type { ReservedSql } from "postgres";
import { db, sql as pool, type Tx } from "./client";
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

/**
 * A third, rarer door: one dedicated connection with the system's privileges, outside any
 * transaction, for work that needs a session of its own: a session-level advisory lock that
 * must vanish with the process (the billing run's "one run per period"), or a cursor streaming
 * a large aggregate. Session state (advisory locks) is cleared before the connection goes back
 * to the pool.
 */
export async function withSystemSession<T>(purpose: string, fn: (session: ReservedSql) => Promise<T>): Promise<T> {
  logger.debug({ purpose }, "withSystemSession");
  const session = await pool.reserve();
  try {
    return await fn(session);
  } finally {
    await session`select pg_advisory_unlock_all()`.catch(() => {});
    session.release();
  }
}

export type { ReservedSql, Tx };
