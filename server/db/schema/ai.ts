import { index, pgTable, primaryKey, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantId, tenantIsolation } from "./columns";
import { tenants } from "./tenants";

/**
 * AI writing calls of the last few minutes, one row per request id: the per-shop limits count
 * them (calls in flight: `finished_at` null; calls started in the last minute), and the request
 * id being the key makes a replayed request a conflict rather than a second provider call.
 * Shared by every instance through PostgreSQL; rows older than the longest call are deleted
 * by the next call of the shop.
 */
export const aiRequests = pgTable(
  "ai_requests",
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid().notNull(),
    startedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index().on(t.tenantId, t.startedAt), tenantIsolation(t.tenantId)],
).enableRLS();
