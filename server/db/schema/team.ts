import { sql } from "drizzle-orm";
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, tenantId, tenantIsolation, timestamps } from "./columns";
import { users } from "./auth";
import { membershipRole, tenants } from "./tenants";

/**
 * Invitations to join a shop's team, by email and with a role. A tenant table: the shop's
 * owners and admins create, resend and revoke them through the tenant door. The link's token is
 * random, mailed once and stored only as its sha256 (`token_hash`, null until the mail job has
 * issued a link; each resend issues a new one, so older links die). Accepting runs through the
 * system door: the person accepting is not yet a member of the shop, and the token is all they
 * hold. An invitation is pending while it is neither accepted nor revoked nor expired; pending
 * invitations count toward the plan's team-member limit.
 */
export const teamInvitations = pgTable(
  "team_invitations",
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    id: id().notNull(),
    /** Stored lower-cased; compared lower-cased. */
    email: text().notNull(),
    role: membershipRole().notNull(),
    tokenHash: text(),
    invitedByUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    /** When the last link was mailed (the mail job); null until then. */
    sentAt: timestamp({ withTimezone: true, mode: "date" }),
    /** When a mail was last asked for (invite or resend): resends are spaced out from it. */
    requestedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    acceptedAt: timestamp({ withTimezone: true, mode: "date" }),
    acceptedByUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamp({ withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // One open invitation per address and shop (an expired one is renewed, not doubled).
    uniqueIndex("team_invitations_open_email_key").on(t.tenantId, t.email).where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
    index("team_invitations_token_hash_index").on(t.tokenHash),
    tenantIsolation(t.tenantId),
  ],
).enableRLS();

export type TeamInvitation = typeof teamInvitations.$inferSelect;
