import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  pgEnum,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, currentTenantId, id, tenantRole, timestamps } from "./columns";

/** Users are global (one person, many shops). Inside a tenant only fellow members are visible. */
export const users = pgTable(
  "users",
  {
    id: id().primaryKey(),
    name: text(),
    /** Stored lower-cased; compared lower-cased. */
    email: text().notNull(),
    emailVerified: timestamp({ withTimezone: true, mode: "date" }),
    image: text(),
    passwordHash: text(),
    isPlatformAdmin: boolean().notNull().default(false),
    /**
     * Copied into each session JWT at sign-in and compared on every request: bumping it
     * (password reset, "sign out of all devices") ends every session issued before.
     */
    sessionVersion: integer().notNull().default(0),
    /** Set by a platform admin: the account cannot sign in and its sessions have ended. */
    disabledAt: timestamp({ withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    pgPolicy("members_of_current_tenant", {
      for: "select",
      to: tenantRole,
      using: sql`exists (select 1 from memberships m where m.user_id = ${t.id} and m.tenant_id = ${currentTenantId})`,
    }),
  ],
);

/** Auth.js OAuth accounts (GitHub, Google) linked to a user. */
export const accounts = pgTable(
  "accounts",
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text().notNull(),
    provider: text().notNull(),
    providerAccountId: text().notNull(),
    refresh_token: text(),
    access_token: text(),
    expires_at: integer(),
    token_type: text(),
    scope: text(),
    id_token: text(),
    session_state: text(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] }), index().on(t.userId)],
);

/** Required by the Auth.js adapter; sessions themselves are signed JWT cookies. */
export const sessions = pgTable("sessions", {
  sessionToken: text().primaryKey(),
  userId: uuid()
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  expires: timestamp({ mode: "date" }).notNull(),
});

export const verificationTokens = pgTable(
  "verification_tokens",
  {
    identifier: text().notNull(),
    token: text().notNull(),
    expires: timestamp({ mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);

export const authTokenPurpose = pgEnum("auth_token_purpose", ["verify_email", "reset_password"]);

/** Single-use, expiring links for email verification and password reset. Only the hash is stored. */
export const authTokens = pgTable(
  "auth_tokens",
  {
    tokenHash: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: authTokenPurpose().notNull(),
    expiresAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    usedAt: timestamp({ withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.userId, t.purpose)],
);

/**
 * Attempt counters (sign-in per email and per IP, mail per address and client), shared by every
 * web instance. `failures` counts attempts in the window that started at `window_started_at`
 * (see server/domain/sign-in-throttle.ts).
 */
export const signInThrottle = pgTable("sign_in_throttle", {
  key: text().primaryKey(),
  failures: integer().notNull().default(0),
  windowStartedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/**
 * A platform admin acting as another user, referenced from the admin's session JWT by id. Every
 * request checks the row (not ended, not expired), so Stop and expiry hold server-side whatever
 * the cookie says. Global: the tenant role has no grant on it.
 */
export const impersonations = pgTable(
  "impersonations",
  {
    id: id().primaryKey(),
    adminUserId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    targetUserId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The shop page it was started from, if any (for the trail; access follows the target's memberships). Not named tenant_id: a global table. */
    fromTenantId: uuid(),
    reason: text().notNull(),
    startedAt: createdAt(),
    expiresAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    endedAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [index().on(t.adminUserId, t.startedAt), index().on(t.targetUserId)],
).enableRLS();

export type User = typeof users.$inferSelect;
export type Impersonation = typeof impersonations.$inferSelect;
