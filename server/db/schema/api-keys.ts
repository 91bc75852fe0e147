import { sql } from "drizzle-orm";
import { check, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantIsolation } from "./columns";
import { users } from "./auth";
import { tenants } from "./tenants";

export const apiKeyKind = pgEnum("api_key_kind", ["shop", "platform"]);

/**
 * API keys of both kinds in one table. A shop key belongs to a shop (tenant_id set); a platform
 * service key belongs to the operator (tenant_id null). Like audit_log, this is a global table
 * that the tenant role sees through the tenant policy: a shop sees, creates and revokes only its
 * own keys, and platform keys (tenant_id null) are invisible to every shop. Authentication looks a
 * key up by hash through the system door (server/domain/api-keys.ts), the only cross-shop read.
 * Only the sha256 of the key is stored; `prefix` is its first characters, for recognising it.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: id().primaryKey(),
    tenantId: uuid().references(() => tenants.id, { onDelete: "cascade" }),
    kind: apiKeyKind().notNull(),
    name: text().notNull(),
    /** Hex sha256 of the whole key. */
    keyHash: text().notNull(),
    /** "souk_" plus the first characters of the random part, shown in lists. */
    prefix: text().notNull(),
    scopes: text().array().notNull(),
    expiresAt: timestamp({ withTimezone: true, mode: "date" }),
    /** Written at most every few minutes (see LAST_USED_WRITE_INTERVAL_MS), not per request. */
    lastUsedAt: timestamp({ withTimezone: true, mode: "date" }),
    revokedAt: timestamp({ withTimezone: true, mode: "date" }),
    createdByUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("api_keys_key_hash_key").on(t.keyHash),
    index().on(t.tenantId, t.createdAt),
    check("api_keys_kind_matches_owner", sql`(${t.kind} = 'shop') = (${t.tenantId} is not null)`),
    tenantIsolation(t.tenantId),
  ],
).enableRLS();

export type ApiKey = typeof apiKeys.$inferSelect;
