/**
 * Whether the database answers, as this process last saw it: a small circuit breaker, in a
 * module of its own (no pool, no env) so the proxy and the error maps can read it cheaply.
 *
 * A connection-level failure (refused, reset, server shutting down or starting up, connect
 * timeout) opens it. While open, the doors fail at once with DatabaseUnavailableError (503 with
 * Retry-After over HTTP) and the proxy answers pages with a 503, instead of every request
 * holding a pooled connection slot while it waits on a connect; one background probe (a bare
 * `select 1` every PROBE_INTERVAL_MS) closes it as soon as the database answers again, and so
 * does a healthy health check. Query errors (a constraint, a syntax error) never open it.
 */

export const DATABASE_RETRY_AFTER_SECONDS = 2;
const PROBE_INTERVAL_MS = 250;

type BreakerState = { open: boolean; probing: boolean };
const globalForBreaker = globalThis as unknown as { soukDatabaseBreaker?: BreakerState };
// One per process, shared by the proxy's and the routes' module copies.
const state = (globalForBreaker.soukDatabaseBreaker ??= { open: false, probing: false });

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

/** Opens the breaker, and probes with `probe` until the database answers. */
export function markDatabaseUnavailable(probe: () => Promise<unknown>) {
  state.open = true;
  if (state.probing) return;
  state.probing = true;
  const attempt = () => {
    if (!state.open) {
      state.probing = false;
      return;
    }
    probe().then(
      () => {
        state.probing = false;
        markDatabaseAvailable();
      },
      () => setTimeout(attempt, PROBE_INTERVAL_MS).unref(),
    );
  };
  setTimeout(attempt, PROBE_INTERVAL_MS).unref();
}

export function markDatabaseAvailable() {
  state.open = false;
}

/** True while the breaker is open: the database was out of reach and has not answered since. */
export function databaseUnavailable(): boolean {
  return state.open;
}

