import { sql } from "drizzle-orm";
import { index, pgEnum, pgPolicy, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { currentTenantId, id, tenantId, tenantIsolation, tenantRole, timestamps } from "./columns";
import { users } from "./auth";

export const tenantStatus = pgEnum("tenant_status", [
  "pending",
  "provisioning",
  "active",
  "failed",
  "suspended",
  "deleted",
]);

export const membershipRole = pgEnum("membership_role", ["owner", "admin", "member", "viewer"]);

export const tenants = pgTable(
  "tenants",
  {
    id: id().primaryKey(),
    slug: text().notNull(),
    name: text().notNull(),
    status: tenantStatus().notNull().default("pending"),
    plan: text().notNull().default("trial"),
    defaultCurrency: text().notNull().default("EUR"),
    ...timestamps,
    deletedAt: timestamp({ withTimezone: true, mode: "date" }),
    /** End of the free trial (created + the trial plan's trial_days); null: not a trial shop, or no end. */
    trialEndsAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [
    uniqueIndex("tenants_slug_key").on(t.slug),
    // A tenant sees (and may update) only its own row.
    pgPolicy("tenant_isolation", {
      for: "all",
      to: tenantRole,
      using: sql`${t.id} = ${currentTenantId}`,
      withCheck: sql`${t.id} = ${currentTenantId}`,
    }),
  ],
).enableRLS();

export const memberships = pgTable(
  "memberships",
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: membershipRole().notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] }), index().on(t.userId), tenantIsolation(t.tenantId)],
).enableRLS();

export type Tenant = typeof tenants.$inferSelect;
export type TenantStatus = (typeof tenantStatus.enumValues)[number];
export type MembershipRole = (typeof membershipRole.enumValues)[number];
