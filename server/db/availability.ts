/**
 * Whether the database answers, as this process last saw it: a small circuit breaker, in a
 * module of its own (no pool, no env) so the proxy and the error maps can read it cheaply.
 *
 * A connection-level failure (refused, reset, server shutting down or starting up, connect
 * timeout) opens it for RETRY_AFTER_MS: requests in that window fail at once with
 * DatabaseUnavailableError (answered 503 with Retry-After) instead of each waiting on a
 * connection attempt; after it, the next door tries the database again, and the first
 * success closes it. Query errors (a constraint, a syntax error) never open it.
 */

export const DATABASE_RETRY_AFTER_SECONDS = 2;
const RETRY_AFTER_MS = 1_000;

type BreakerState = { openUntil: number; since: number | null };
const globalForBreaker = globalThis as unknown as { soukDatabaseBreaker?: BreakerState };
// One per process, shared by the proxy's and the routes' module copies.
const state = (globalForBreaker.soukDatabaseBreaker ??= { openUntil: 0, since: null });

/** The database could not be reached; the request may be retried shortly. */
export class DatabaseUnavailableError extends Error {
  constructor(cause?: unknown) {
    super("The database is unavailable", { cause });
    this.name = "DatabaseUnavailableError";
  }
}

// postgres.js's own connection errors, and node's socket errors.
const connectionErrorCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down).
  "57P01",
  "57P02",
  "57P03",
]);

/** True for failures that say the database is out of reach, not that a statement was wrong. */
export function isConnectionError(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof DatabaseUnavailableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (connectionErrorCodes.has(code) || code.startsWith("08"))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function markDatabaseUnavailable() {
  const now = Date.now();
  state.since ??= now;
  state.openUntil = now + RETRY_AFTER_MS;
}

export function markDatabaseAvailable() {
  state.openUntil = 0;
  state.since = null;
}

/** True while the breaker is open: the last connection attempt failed less than a second ago. */
export function databaseUnavailable(): boolean {
  return state.openUntil > Date.now();
}

/** Since when the database has been out of reach, for logs; null when it answers. */
export function databaseUnavailableSince(): number | null {
  return state.since;
}
