import { createHash, randomBytes } from "node:crypto";
import { text } from "./text";
import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { apiKeys, plans, tenants, type ApiKey, type MembershipRole } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { recordAudit } from "./audit";
import type { Actor, TenantContext } from "./context";
import { DomainError } from "./errors";

/**
 * API keys. A key is "souk_" + 32 base64url characters (24 random bytes, 192 bits), shown once
 * at creation; we keep its sha256 (a fast hash is right here: the key is random, not a password,
 * so there is nothing to brute-force) and its first characters as a display prefix.
 *
 * Shop keys are managed inside the shop's withTenant transaction (the tenant policy on api_keys
 * confines a shop to its own keys); platform service keys through the system door. The only
 * cross-shop read is `authenticateApiKey`, by hash.
 */
export const apiKeyScopes = ["usage:write", "catalog:read", "catalog:write", "admin"] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

const KEY_PREFIX = "souk_";
const KEY_PATTERN = /^souk_[A-Za-z0-9_-]{32}$/;
const DISPLAY_PREFIX_LENGTH = KEY_PREFIX.length + 8;
/** last_used_at is written at most this often per key, so a busy key costs no write per request. */
export const LAST_USED_WRITE_INTERVAL_MS = 5 * 60_000;

/** The request rate of a shop key whose shop names no known plan: the smallest plan's (tenants.plan has no foreign key). */
const PLAN_RATE_FALLBACK = 60;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = KEY_PREFIX + randomBytes(24).toString("base64url");
  return { key, hash: hashApiKey(key), prefix: key.slice(0, DISPLAY_PREFIX_LENGTH) };
}

export const createApiKeyInput = z.object({
  name: text().trim().min(1, "Name the key").max(80, "Use at most 80 characters"),
  scopes: z.array(z.enum(apiKeyScopes)).min(1, "Choose at least one scope").transform((s) => [...new Set(s)]),
  /** Days until it expires; null never expires. */
  expiresInDays: z.number().int().min(1, "At least 1 day").max(3650, "At most 10 years").nullable().default(90),
});
export const revokeApiKeyInput = z.object({ keyId: z.uuid() });

/** What a list shows: never the hash. */
export type ApiKeySummary = Pick<ApiKey, "id" | "kind" | "name" | "prefix" | "scopes" | "expiresAt" | "lastUsedAt" | "revokedAt" | "createdAt"> & {
  status: "active" | "expired" | "revoked";
};

const summaryColumns = {
  id: apiKeys.id,
  kind: apiKeys.kind,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  expiresAt: apiKeys.expiresAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
  createdAt: apiKeys.createdAt,
};

function withStatus(row: Omit<ApiKeySummary, "status">, now = new Date()): ApiKeySummary {
  const status = row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active";
  return { ...row, status };
}

function expiryOf(days: number | null): Date | null {
  return days === null ? null : new Date(Date.now() + days * 86_400_000);
}

export type CreatedApiKey = { key: string; apiKey: ApiKeySummary };

/** Creates a shop key (admin+ via the procedure); the plain key is returned once and never stored. */
export async function createShopApiKey(ctx: TenantContext, input: z.output<typeof createApiKeyInput>): Promise<CreatedApiKey> {
  const { key, hash, prefix } = generateApiKey();
  const [row] = await ctx.tx
    .insert(apiKeys)
    .values({ tenantId: ctx.tenantId, kind: "shop", name: input.name, keyHash: hash, prefix, scopes: input.scopes, expiresAt: expiryOf(input.expiresInDays), createdByUserId: ctx.userId })
    .returning(summaryColumns);
  if (!row) throw new Error("insert returned no row");
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "api_key.created", targetType: "api_key", targetId: row.id, metadata: { name: row.name, prefix, scopes: row.scopes, expiresAt: row.expiresAt } });
  return { key, apiKey: withStatus(row) };
}

/** The shop's keys, newest first (row-level security: only this shop's). */
export async function listShopApiKeys(ctx: TenantContext): Promise<ApiKeySummary[]> {
  const rows = await ctx.tx.select(summaryColumns).from(apiKeys).where(eq(apiKeys.tenantId, ctx.tenantId)).orderBy(desc(apiKeys.createdAt));
  return rows.map((r) => withStatus(r));
}

/** Revokes one of the shop's keys; another shop's key is not found (the policy hides it). */
export async function revokeShopApiKey(ctx: TenantContext, input: z.output<typeof revokeApiKeyInput>): Promise<ApiKeySummary> {
  const [row] = await ctx.tx
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.tenantId, ctx.tenantId)))
    .returning(summaryColumns);
  if (!row) throw new DomainError("not_found", "API key not found");
  forgetApiKey(row.id);
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "api_key.revoked", targetType: "api_key", targetId: row.id, metadata: { name: row.name, prefix: row.prefix } });
  return withStatus(row);
}

/** Platform service keys: created by a platform admin (page) or the bootstrap script (actor without user). */
export async function createPlatformApiKey(actor: Actor, input: z.output<typeof createApiKeyInput>): Promise<CreatedApiKey> {
  const { key, hash, prefix } = generateApiKey();
  return withSystem("platform-api-keys", async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ tenantId: null, kind: "platform", name: input.name, keyHash: hash, prefix, scopes: input.scopes, expiresAt: expiryOf(input.expiresInDays), createdByUserId: actor.userId })
      .returning(summaryColumns);
    if (!row) throw new Error("insert returned no row");
    await recordAudit(tx, actor, { tenantId: null, action: "api_key.created", targetType: "api_key", targetId: row.id, metadata: { kind: "platform", name: row.name, prefix, scopes: row.scopes, expiresAt: row.expiresAt } });
    return { key, apiKey: withStatus(row) };
  });
}

export async function listPlatformApiKeys(): Promise<ApiKeySummary[]> {
  const rows = await withSystem("platform-api-keys", (tx) => tx.select(summaryColumns).from(apiKeys).where(eq(apiKeys.kind, "platform")).orderBy(desc(apiKeys.createdAt)));
  return rows.map((r) => withStatus(r));
}

export async function revokePlatformApiKey(actor: Actor, input: z.output<typeof revokeApiKeyInput>): Promise<ApiKeySummary> {
  return withSystem("platform-api-keys", async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
      .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.kind, "platform")))
      .returning(summaryColumns);
    if (!row) throw new DomainError("not_found", "API key not found");
    forgetApiKey(row.id);
    await recordAudit(tx, actor, { tenantId: null, action: "api_key.revoked", targetType: "api_key", targetId: row.id, metadata: { kind: "platform", name: row.name, prefix: row.prefix } });
    return withStatus(row);
  });
}

/** An authenticated key, as the API layer carries it. */
export type ApiPrincipal = {
  keyId: string;
  kind: "shop" | "platform";
  /** The shop of a shop key; null for a platform key. */
  tenantId: string | null;
  tenantSlug: string | null;
  scopes: ApiKeyScope[];
  /** Requests a minute the shop's plan allows a key (server/rate-limit.ts); null for a platform key. */
  requestsPerMinute: number | null;
};

export type ApiKeyFailure = "missing_key" | "invalid_key" | "revoked_key" | "expired_key";

/** The failure messages, stable and free of any key material. */
export const apiKeyFailureMessage: Record<ApiKeyFailure, string> = {
  missing_key: "Send an API key as `Authorization: Bearer souk_…`.",
  invalid_key: "The API key is not valid.",
  revoked_key: "The API key has been revoked.",
  expired_key: "The API key has expired.",
};

/** The bearer token of an Authorization header; null when there is none. */
export function bearerToken(authorization: string | null): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match ? match[1]! : null;
}

/**
 * Looks a key up by its hash (the one cross-shop read, through the system door) and says why it
 * fails, if it does. A shop key of a deleted shop is invalid. Records the use sparingly.
 */
export async function authenticateApiKey(token: string | null, now = new Date()): Promise<{ ok: true; principal: ApiPrincipal } | { ok: false; failure: ApiKeyFailure }> {
  if (!token) return { ok: false, failure: "missing_key" };
  if (!KEY_PATTERN.test(token)) return { ok: false, failure: "invalid_key" };
  const result = await lookupApiKey(hashApiKey(token), now);
  return result.ok ? { ok: true, principal: result.principal } : result;
}

async function lookupApiKey(
  hash: string,
  now: Date,
): Promise<{ ok: true; principal: ApiPrincipal; expiresAt: Date | null; lastUsedAt: Date | null } | { ok: false; failure: ApiKeyFailure }> {
  const [row] = await withSystem("api-key-lookup", (tx) =>
    tx
      .select({ id: apiKeys.id, kind: apiKeys.kind, tenantId: apiKeys.tenantId, scopes: apiKeys.scopes, expiresAt: apiKeys.expiresAt, revokedAt: apiKeys.revokedAt, lastUsedAt: apiKeys.lastUsedAt, tenantSlug: tenants.slug, tenantStatus: tenants.status, requestsPerMinute: plans.apiRequestsPerMinute })
      .from(apiKeys)
      .leftJoin(tenants, eq(tenants.id, apiKeys.tenantId))
      .leftJoin(plans, eq(plans.id, tenants.plan))
      .where(eq(apiKeys.keyHash, hash)),
  );
  if (!row || (row.kind === "shop" && (!row.tenantSlug || row.tenantStatus === "deleted"))) return { ok: false, failure: "invalid_key" };
  if (row.revokedAt) return { ok: false, failure: "revoked_key" };
  if (row.expiresAt && row.expiresAt <= now) return { ok: false, failure: "expired_key" };
  let lastUsedAt = row.lastUsedAt;
  if (!lastUsedAt || now.getTime() - lastUsedAt.getTime() >= LAST_USED_WRITE_INTERVAL_MS) {
    await touchLastUsed(row.id, now);
    lastUsedAt = now;
  }
  return {
    ok: true,
    principal: { keyId: row.id, kind: row.kind, tenantId: row.tenantId, tenantSlug: row.tenantSlug, requestsPerMinute: row.kind === "shop" ? (row.requestsPerMinute ?? PLAN_RATE_FALLBACK) : null, scopes: row.scopes.filter((s): s is ApiKeyScope => (apiKeyScopes as readonly string[]).includes(s)) },
    expiresAt: row.expiresAt,
    lastUsedAt,
  };
}

/**
 * How long a successful key lookup is reused by `authenticateApiKeyCached`: a revoked key, or a
 * key whose shop was deleted, keeps working at most this long on instances other than the one
 * that revoked it (that one forgets the key at once). Expiry is checked on every request.
 */
export const API_KEY_CACHE_TTL_MS = 5_000;
const API_KEY_CACHE_MAX = 10_000;

type CachedKey = { principal: ApiPrincipal; expiresAt: Date | null; lastUsedAt: Date | null; cachedAt: number };
/**
 * By key hash; only keys that authenticated (a wrong key always costs a lookup, and no memory).
 * On globalThis so every bundle of this module in the process (route handlers and tRPC may be
 * bundled apart) shares it, and a revocation forgets the key for all of them.
 */
const globalForKeys = globalThis as unknown as { soukApiKeyCache?: Map<string, CachedKey> };
const keyCache = (globalForKeys.soukApiKeyCache ??= new Map<string, CachedKey>());

/**
 * `authenticateApiKey` for the hot machine routes (/api/v1): a key that authenticated within the
 * last API_KEY_CACHE_TTL_MS is not looked up again, so a busy ingestion client costs no query
 * per request. last_used_at is still written once per interval.
 */
export async function authenticateApiKeyCached(token: string | null, now = new Date()): Promise<{ ok: true; principal: ApiPrincipal } | { ok: false; failure: ApiKeyFailure }> {
  if (!token || !KEY_PATTERN.test(token)) return authenticateApiKey(token, now);
  const hash = hashApiKey(token);
  const hit = keyCache.get(hash);
  const at = now.getTime();
  if (hit && at - hit.cachedAt < API_KEY_CACHE_TTL_MS && at >= hit.cachedAt) {
    if (hit.expiresAt && hit.expiresAt <= now) {
      keyCache.delete(hash);
      return { ok: false, failure: "expired_key" };
    }
    if (!hit.lastUsedAt || at - hit.lastUsedAt.getTime() >= LAST_USED_WRITE_INTERVAL_MS) {
      hit.lastUsedAt = now;
      await touchLastUsed(hit.principal.keyId, now);
    }
    return { ok: true, principal: hit.principal };
  }
  keyCache.delete(hash);
  const result = await lookupApiKey(hash, now);
  if (!result.ok) return result;
  if (keyCache.size >= API_KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(hash, { principal: result.principal, expiresAt: result.expiresAt, lastUsedAt: result.lastUsedAt, cachedAt: at });
  return { ok: true, principal: result.principal };
}

/** Drops a key from this instance's cache (on revocation), so it stops working here at once. */
export function forgetApiKey(keyId: string): void {
  for (const [hash, entry] of keyCache) if (entry.principal.keyId === keyId) keyCache.delete(hash);
}

/**
 * Records a key's use. The condition makes it a no-op when another request or instance wrote it
 * within the interval, so a key in constant use costs one write per interval, not one per request.
 * Best effort: a failure is only a stale timestamp, never a failed request.
 */
export async function touchLastUsed(keyId: string, now = new Date()): Promise<boolean> {
  try {
    const rows = await withSystem("api-key-last-used", (tx) =>
      tx
        .update(apiKeys)
        .set({ lastUsedAt: now })
        .where(and(eq(apiKeys.id, keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - LAST_USED_WRITE_INTERVAL_MS + 1)))))
        .returning({ id: apiKeys.id }),
    );
    return rows.length > 0;
  } catch {
    return false;
  }
}

export function hasScope(principal: ApiPrincipal, scope: ApiKeyScope): boolean {
  return principal.scopes.includes(scope) || principal.scopes.includes("admin");
}

/**
 * The role a shop key acts with on tenant procedures: admin → admin, catalog:write → member,
 * catalog:read → viewer. A key with none of those (usage:write only) has no dashboard role.
 */
export function roleForScopes(scopes: readonly ApiKeyScope[]): MembershipRole | null {
  if (scopes.includes("admin")) return "admin";
  if (scopes.includes("catalog:write")) return "member";
  if (scopes.includes("catalog:read")) return "viewer";
  return null;
}
