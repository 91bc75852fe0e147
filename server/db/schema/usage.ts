import { check, date, integer, numeric, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { createdAt, tenantId, tenantIsolation } from "./columns";
import { tenants } from "./tenants";

/**
 * Metered usage, one row per event. Partitioned by month (`period`, the first day of the
 * event's UTC calendar month): a billing run scans one partition and retention drops whole
 * partitions. PostgreSQL requires the partition key in every unique key, so the idempotency
 * key is unique per tenant and period; partitions are created by
 * `usage_events_ensure_partition(period)` (migration), never by hand.
 */
export const usageEvents = pgTable(
  "usage_events",
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    period: date({ mode: "string" }).notNull(),
    idempotencyKey: text().notNull(),
    metric: text().notNull(),
    /** Exact; storage is fractional (GB-months), the rest are counts. */
    quantity: numeric({ precision: 20, scale: 6 }).notNull(),
    occurredAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    /** Who reported it: "api" (a key), "storefront", "platform", "system". */
    source: text().notNull(),
    ingestedAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.period, t.idempotencyKey] }),
    check("usage_events_period_matches", sql`${t.period} = (date_trunc('month', ${t.occurredAt} at time zone 'UTC'))::date`),
    check("usage_events_quantity_non_negative", sql`${t.quantity} >= 0`),
    tenantIsolation(t.tenantId),
  ],
).enableRLS();

export type UsageEvent = typeof usageEvents.$inferSelect;

/**
 * Billing periods (UTC months, first day) closed to new usage: a billing run closes its period
 * before it reads it, so an event can never arrive after its tenant's statement was written.
 * Global and small; the tenant role may read it (ingestion checks it) but never change it.
 */
export const closedUsagePeriods = pgTable("closed_usage_periods", {
  period: date({ mode: "string" }).primaryKey(),
  closedAt: createdAt(),
});

/**
 * Usage alerts already sent: one row per tenant, period, metric and threshold (80 or 100 % of
 * the plan's included quantity). The row is written in the transaction that sends the mail, so
 * an alert goes out once per metric and period however often the check runs.
 */
export const usageAlerts = pgTable(
  "usage_alerts",
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    period: date({ mode: "string" }).notNull(),
    metric: text().notNull(),
    /** Percent of the included quantity: 80 or 100. */
    threshold: integer().notNull(),
    /** The period's usage when the alert was sent (exact). */
    used: numeric({ precision: 20, scale: 6 }).notNull(),
    sentAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.period, t.metric, t.threshold] }), tenantIsolation(t.tenantId)],
).enableRLS();

export type UsageAlert = typeof usageAlerts.$inferSelect;
