import { sql } from "drizzle-orm";
import {
  bigint,
  date,
  foreignKey,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, tenantId, tenantIsolation } from "./columns";
import { tenants } from "./tenants";

/**
 * The batched billing run (docs/billing.md). A run prices one closed usage period (a UTC month,
 * written as its first day) and writes, per tenant, one statement with a line per metric, plus a
 * ledger row per meter event it reports to Stripe. Statements, lines and ledger rows are keyed by
 * (tenant, period[, metric]) and written with `on conflict do nothing`, so a re-run or a resume
 * after a crash can only add what is missing, never a second copy.
 */

export const billingRunStatus = pgEnum("billing_run_status", ["running", "succeeded", "failed"]);

/** One attempt at billing a period (global, platform admins only). Several per period when resumed. */
export const billingRuns = pgTable(
  "billing_runs",
  {
    id: id().primaryKey(),
    period: date({ mode: "string" }).notNull(),
    status: billingRunStatus().notNull().default("running"),
    /** Who started it: "cli", "cron", "admin:<user id>", "bench". */
    trigger: text().notNull(),
    /** Usage events priced so far (all of them when finished). */
    events: bigint({ mode: "number" }).notNull().default(0),
    /** Known once the period's aggregate is read: what the progress and ETA are measured against. */
    eventsTotal: bigint({ mode: "number" }),
    tenants: integer().notNull().default(0),
    tenantsTotal: integer(),
    statementLines: integer().notNull().default(0),
    /** Meter events sent to Stripe by this run (a resume sends only what was still pending). */
    eventsReported: integer().notNull().default(0),
    durationMs: integer(),
    eventsPerSecond: numeric({ precision: 14, scale: 1 }),
    error: text(),
    startedAt: createdAt(),
    updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [index().on(t.period, t.startedAt), index().on(t.startedAt)],
);

export type BillingRun = typeof billingRuns.$inferSelect;

/** A tenant's usage statement for a period: the plan it was priced by and the total. */
export const usageStatements = pgTable(
  "usage_statements",
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    period: date({ mode: "string" }).notNull(),
    /** The plan in force at the period's end (see docs/billing.md). */
    plan: text().notNull(),
    currency: text().notNull(),
    /** Sum of the lines' amounts, exact. */
    total: numeric({ precision: 12, scale: 3 }).notNull(),
    /** Usage events the statement covers. */
    events: bigint({ mode: "number" }).notNull(),
    runId: uuid().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.period] }), index().on(t.period), tenantIsolation(t.tenantId)],
).enableRLS();

export type UsageStatement = typeof usageStatements.$inferSelect;

/** One metric of a statement: quantity used, included by the plan, billable, its unit price and amount. */
export const usageStatementLines = pgTable(
  "usage_statement_lines",
  {
    tenantId: tenantId(),
    period: date({ mode: "string" }).notNull(),
    metric: text().notNull(),
    quantity: numeric({ precision: 20, scale: 6 }).notNull(),
    included: numeric({ precision: 20, scale: 6 }).notNull(),
    billable: numeric({ precision: 20, scale: 6 }).notNull(),
    /** Overage price per unit (plans have sub-cent prices such as 0.0005). */
    unitPrice: numeric({ precision: 18, scale: 8 }).notNull(),
    /** billable × unitPrice, rounded half-up to the currency's digits. */
    amount: numeric({ precision: 12, scale: 3 }).notNull(),
    currency: text().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.period, t.metric] }),
    foreignKey({ columns: [t.tenantId, t.period], foreignColumns: [usageStatements.tenantId, usageStatements.period] }).onDelete("cascade"),
    tenantIsolation(t.tenantId),
  ],
).enableRLS();

export type UsageStatementLine = typeof usageStatementLines.$inferSelect;

export const meterEventStatus = pgEnum("meter_event_status", ["pending", "reported"]);

/**
 * Our ledger of meter events, one per billable statement line of a paid tenant. Stripe dedupes
 * identifiers for about a day only, so this row (pending → reported) is what makes reporting
 * exactly-once: a resume re-sends only rows still pending.
 */
export const meterEventReports = pgTable(
  "meter_event_reports",
  {
    tenantId: tenantId(),
    period: date({ mode: "string" }).notNull(),
    metric: text().notNull(),
    /** Deterministic: souk_<yyyy-mm>_<tenant id>_<metric>. */
    identifier: text().notNull(),
    eventName: text().notNull(),
    stripeCustomerId: text().notNull(),
    value: numeric({ precision: 20, scale: 6 }).notNull(),
    /** Inside the period (its last second), as Stripe bills it for that month. */
    timestamp: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    status: meterEventStatus().notNull().default("pending"),
    /** Last time a run sent it: a row sent but not marked reported is re-sent only within Stripe's dedupe window. */
    attemptedAt: timestamp({ withTimezone: true, mode: "date" }),
    reportedAt: timestamp({ withTimezone: true, mode: "date" }),
    runId: uuid(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.period, t.metric] }),
    foreignKey({ columns: [t.tenantId, t.period, t.metric], foreignColumns: [usageStatementLines.tenantId, usageStatementLines.period, usageStatementLines.metric] }).onDelete("cascade"),
    index("meter_event_reports_pending").on(t.period).where(sql`${t.status} = 'pending'`),
    tenantIsolation(t.tenantId),
  ],
).enableRLS();

export type MeterEventReport = typeof meterEventReports.$inferSelect;
