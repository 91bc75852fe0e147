import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Request-rate counters of rate-limiter-flexible's PostgreSQL store (server/rate-limit.ts), used
 * when REDIS_URL is unset: one row per policy and caller (`api:<key id>`, `auth:<client key>`),
 * `points` requests since the window started, until `expire`. Global (not a tenant table): the
 * callers are API keys and client addresses, and the app reaches it through its own connection,
 * never as the tenant role. Unlogged (see the migration): counters need no crash safety.
 */
export const rateLimits = pgTable("rate_limits", {
  key: text().primaryKey(),
  points: integer().notNull().default(0),
  expire: timestamp({ withTimezone: true, mode: "date" }),
});
