import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import type { MetricId } from "../../domain/usage/metrics";
import { createdAt, tenantId, tenantIsolation, timestamps } from "./columns";
import { tenants } from "./tenants";

/** Metrics a plan includes a quota of and bills overage for: the metric registry's ids (type only, so no runtime import upward). */
export type PlanMetric = MetricId;

/**
 * Global plan catalog, seeded by migration. Stripe price ids are NOT stored
 * here: they come from configuration (STRIPE_PRICE_<PLAN>) or are resolved by
 * `stripeLookupKey`, so the same rows work against the emulator and a real account.
 */
export const plans = pgTable("plans", {
  id: text().primaryKey(),
  name: text().notNull(),
  /** Monthly price in `currency`, exact. 0 for the free trial. */
  monthlyPrice: numeric({ precision: 12, scale: 3 }).notNull(),
  currency: text().notNull().default("EUR"),
  /** null: not purchasable through Checkout (the free trial). */
  stripeLookupKey: text(),
  trialDays: integer(),
  maxProducts: integer().notNull(),
  maxTeamMembers: integer().notNull(),
  maxStorageBytes: bigint({ mode: "number" }).notNull(),
  maxApiCallsPerMonth: integer().notNull(),
  /** Requests one API key of a shop on this plan may make per rate-limit window (a minute; server/rate-limit.ts). */
  apiRequestsPerMinute: integer().notNull().default(60),
  /** Included quantity per metric per month before overage. */
  includedUsage: jsonb().$type<Partial<Record<PlanMetric, number>>>().notNull().default({}),
  /**
   * Overage unit price per metric (decimal strings in `currency`). In Stripe: the metered
   * price with lookup key `<stripeLookupKey>_overage_<metric>` (see domain/plans.ts).
   */
  overagePrices: jsonb().$type<Partial<Record<PlanMetric, string>>>().notNull().default({}),
  sortOrder: integer().notNull().default(0),
});

export type Plan = typeof plans.$inferSelect;

/**
 * The tenant's Stripe subscription as last synchronised (one per tenant).
 * `status` mirrors Stripe's subscription status ("none" before any checkout);
 * past_due lives here while the tenant stays active during the grace period.
 */
export const subscriptions = pgTable(
  "subscriptions",
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    stripeCustomerId: text().notNull(),
    stripeSubscriptionId: text(),
    stripePriceId: text(),
    plan: text(),
    status: text().notNull().default("none"),
    currentPeriodEnd: timestamp({ withTimezone: true, mode: "date" }),
    cancelAtPeriodEnd: boolean().notNull().default(false),
    pastDueSince: timestamp({ withTimezone: true, mode: "date" }),
    /** Last checkout session started from the dashboard, and its outcome message. */
    lastCheckoutSessionId: text(),
    /** `created` of the newest Stripe event applied: an older one never wins. */
    lastEventCreated: bigint({ mode: "number" }).notNull().default(0),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.tenantId] }), index().on(t.stripeCustomerId), index().on(t.stripeSubscriptionId), tenantIsolation(t.tenantId)],
).enableRLS();

export type Subscription = typeof subscriptions.$inferSelect;

export const provisioningStatus = pgEnum("provisioning_status", ["started", "succeeded", "failed", "skipped"]);

/** Every provisioning step and lifecycle transition of a tenant, with its cause. */
export const provisioningLogs = pgTable(
  "provisioning_logs",
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    id: bigint({ mode: "number" }).generatedAlwaysAsIdentity(),
    /** A provisioning step name, or "transition" for a status change. */
    step: text().notNull(),
    status: provisioningStatus().notNull(),
    /** What caused it: a Stripe event id, "admin:<user id>", "system", "reconcile", "user:<id>". */
    cause: text().notNull(),
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    error: text(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index().on(t.tenantId, t.step), tenantIsolation(t.tenantId)],
).enableRLS();

export type ProvisioningLog = typeof provisioningLogs.$inferSelect;

export const stripeEventStatus = pgEnum("stripe_event_status", ["received", "processed", "failed"]);

/** Global log of received Stripe webhooks, keyed by Stripe's event id (a duplicate is a no-op). */
export const stripeEvents = pgTable(
  "stripe_events",
  {
    id: text().primaryKey(),
    type: text().notNull(),
    /** Stripe's `created` (unix seconds). */
    created: bigint({ mode: "number" }).notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    status: stripeEventStatus().notNull().default("received"),
    attempts: integer().notNull().default(0),
    lastError: text(),
    /** The tenant it resolved to, for the admin log. Not named tenant_id: this is a global table. */
    resolvedTenantId: text(),
    receivedAt: createdAt(),
    processedAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [index().on(t.status, t.receivedAt)],
);

export type StripeEventRow = typeof stripeEvents.$inferSelect;
