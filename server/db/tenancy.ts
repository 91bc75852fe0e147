import { AsyncLocalStorage } from "node:async_hooks";
import { sql, type SQL } from "drizzle-orm";
import type { ReservedSql } from "postgres";
import { db, sql as pool, type Tx } from "./client";
import { DatabaseUnavailableError, databaseUnavailable, isConnectionError, markDatabaseAvailable, markDatabaseUnavailable } from "./availability";
import { DatabaseBusyError, NestedDoorError } from "./errors";
import { env } from "@/server/env";
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
 *
 * Two rules keep a burst of requests from exhausting the pool:
 * 1. A door is never opened inside another. The outer transaction would hold
 *    its connection while waiting for a second one; with every request doing
 *    that, a full pool waits on itself forever. Outside development and tests
 *    this is logged rather than thrown; there the acquire timeout (2) bounds it.
 * 2. Waiting for a connection is bounded (DATABASE_ACQUIRE_TIMEOUT_MS): the
 *    doors take one of DATABASE_POOL_SIZE slots before asking postgres.js (which
 *    has no acquire timeout of its own), and fail with DatabaseBusyError when
 *    none frees up in time.
 * Code that calls Stripe, S3 or mail does so between short transactions, never
 * inside one (see tenantScopeProcedure in server/api/trpc.ts).
 *
 * When the database is out of reach, a door fails with DatabaseUnavailableError (a 503 with
 * Retry-After over HTTP); after the first such failure, doors fail at once without trying until
 * a background probe sees the database again (server/db/availability.ts).
 */

/** A counting semaphore whose waits time out; waiters are served in arrival order. */
class Slots {
  private free: number;
  private readonly waiters: { grant: () => void; timer: NodeJS.Timeout }[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async acquire(timeoutMs: number): Promise<() => void> {
    if (this.free > 0) {
      this.free--;
      return this.releaser();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve(this.releaser());
        },
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new DatabaseBusyError(timeoutMs));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // Hand the slot straight to the next waiter, so a newcomer cannot overtake it.
      if (next) next.grant();
      else this.free++;
    };
  }
}

type OpenDoor = { name: string; open: boolean };

// One per process, like the pool itself (survives hot reloads in development).
const globalForDoors = globalThis as unknown as { soukDoors?: { slots: Slots; current: AsyncLocalStorage<OpenDoor> } };
const doors = (globalForDoors.soukDoors ??= { slots: new Slots(env.DATABASE_POOL_SIZE), current: new AsyncLocalStorage<OpenDoor>() });

async function openDoor<T>(name: string, run: (tx: Tx) => Promise<T>): Promise<T> {
  const outer = doors.current.getStore();
  // `open` is cleared when the outer transaction ends: work it started and left
  // running (fire-and-forget) inherits the store but may open doors afterwards.
  if (outer?.open) {
    const error = new NestedDoorError(outer.name, name);
    if (!env.isProduction) throw error;
    logger.error({ err: error }, "nested database door");
  }
  if (databaseUnavailable()) throw new DatabaseUnavailableError();
  const release = await doors.slots.acquire(env.DATABASE_ACQUIRE_TIMEOUT_MS);
  const door: OpenDoor = { name, open: true };
  try {
    // The store is entered inside the callback, not around db.transaction: postgres.js may
    // start the callback from another request's context when it hands over a connection.
    const result = await db.transaction((tx) => doors.current.run(door, () => run(tx)));
    markDatabaseAvailable();
    return result;
  } catch (error) {
    throw unavailableOr(error);
  } finally {
    door.open = false;
    release();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The statement that confines a transaction to one tenant, in either form (TENANT_CONTEXT_MODE):
 * - set_config: one parameterised SELECT setting role and tenant, both transaction-local.
 * - set_local: SET LOCAL ROLE and SET LOCAL app.tenant_id, sent together in one round trip. On
 *   Citus only SET LOCAL reaches the worker nodes (citus.propagate_set_commands = 'local'), where
 *   the policies of the shards are evaluated; set_config's value stays on the coordinator.
 *   SET takes no parameters, so the id is checked to be a uuid before it is written in.
 */
export function tenantContextStatement(tenantId: string, mode = env.TENANT_CONTEXT_MODE): SQL {
  if (mode === "set_config") {
    return sql`select set_config('role', 'souk_tenant', true), set_config('app.tenant_id', ${tenantId}, true)`;
  }
  if (!UUID.test(tenantId)) throw new TypeError(`tenant id is not a uuid: ${JSON.stringify(tenantId)}`);
  return sql.raw(`set local role souk_tenant; set local app.tenant_id = '${tenantId.toLowerCase()}'`);
}

export async function withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const statement = tenantContextStatement(tenantId);
  return openDoor(`tenant:${tenantId}`, async (tx) => {
    await tx.execute(statement);
    return fn(tx);
  });
}

export async function withSystem<T>(purpose: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  logger.debug({ purpose }, "withSystem");
  return openDoor(purpose, fn);
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
  // It holds a pooled connection like a door does, so it takes a slot too.
  if (databaseUnavailable()) throw new DatabaseUnavailableError();
  const release = await doors.slots.acquire(env.DATABASE_ACQUIRE_TIMEOUT_MS);
  try {
    const session = await pool.reserve().catch((error: unknown) => {
      throw unavailableOr(error);
    });
    try {
      return await fn(session);
    } finally {
      await session`select pg_advisory_unlock_all()`.catch(() => {});
      session.release();
    }
  } finally {
    release();
  }
}

/** A connection-level failure becomes DatabaseUnavailableError and opens the breaker; others pass. */
function unavailableOr(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError || !isConnectionError(error)) return error;
  markDatabaseUnavailable(() => pool`select 1`);
  return new DatabaseUnavailableError(error);
}

export type { ReservedSql, Tx };
export { DatabaseBusyError, DatabaseUnavailableError, NestedDoorError };
