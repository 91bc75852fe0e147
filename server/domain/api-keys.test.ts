import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { contextFromHeaders } from "@/server/api/request-context";
import { createCaller } from "@/server/api/root";
import { apiKeys, auditLog } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { makePlatformKey, makeShopKey } from "@/test/api-keys";
import { callerFor, makeTenant, makeUser, addMember } from "@/test/factories";
import { codeOf } from "@/test/trpc";
import { API_KEY_CACHE_TTL_MS, authenticateApiKey, authenticateApiKeyCached, generateApiKey, hashApiKey, LAST_USED_WRITE_INTERVAL_MS } from "./api-keys";

/** A tRPC caller authenticated the way /api/trpc does it, from an Authorization header. */
async function callerWithKey(key: string) {
  return createCaller(await contextFromHeaders(new Headers({ authorization: `Bearer ${key}` }), async () => null));
}

describe("API keys", () => {
  it("generates 192-bit keys with a souk_ prefix and stores only their sha256 and display prefix", async () => {
    const a = generateApiKey();
    expect(a.key).toMatch(/^souk_[A-Za-z0-9_-]{32}$/);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.key.startsWith(a.prefix)).toBe(true);
    expect(generateApiKey().key).not.toBe(a.key);
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    const created = await callerFor(owner.id).apiKeys.create({ tenantSlug: shop.slug, name: "CI", scopes: ["usage:write", "catalog:read"], expiresInDays: 30 });
    const [row] = await withSystem("test", (tx) => tx.select().from(apiKeys).where(eq(apiKeys.id, created.apiKey.id)));
    expect(row!.keyHash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);
    const listed = await callerFor(owner.id).apiKeys.list({ tenantSlug: shop.slug });
    expect(listed).toEqual([expect.objectContaining({ id: created.apiKey.id, status: "active", prefix: created.key.slice(0, 13) })]);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const audit = await withSystem("test", (tx) => tx.select().from(auditLog).where(eq(auditLog.targetId, created.apiKey.id)));
    expect(audit.map((a) => a.action)).toEqual(["api_key.created"]);
  });

  it("lets only admins and owners manage keys, and refuses bad input with field errors", async () => {
    const owner = await makeUser();
    const member = await makeUser();
    const shop = await makeTenant(owner);
    await addMember(shop.id, member.id, "member");
    expect(await codeOf(callerFor(member.id).apiKeys.list({ tenantSlug: shop.slug }))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(owner.id).apiKeys.create({ tenantSlug: shop.slug, name: "", scopes: [], expiresInDays: 0 }))).toBe("BAD_REQUEST");
    expect(await callerFor(owner.id).apiKeys.list({ tenantSlug: shop.slug })).toEqual([]);
  });

  it("never lets a shop list, revoke or use another shop's key", async () => {
    const ownerA = await makeUser();
    const ownerB = await makeUser();
    const [a, b] = await Promise.all([makeTenant(ownerA, "Shop A"), makeTenant(ownerB, "Shop B")]);
    const keyB = await makeShopKey(b, ownerB.id, ["admin"]);
    const platform = await makePlatformKey();
    expect(await callerFor(ownerA.id).apiKeys.list({ tenantSlug: a.slug })).toEqual([]);
    expect(await codeOf(callerFor(ownerA.id).apiKeys.revoke({ tenantSlug: a.slug, keyId: keyB.apiKey.id }))).toBe("NOT_FOUND");
    expect(await codeOf(callerFor(ownerA.id).apiKeys.revoke({ tenantSlug: a.slug, keyId: platform.apiKey.id }))).toBe("NOT_FOUND");
    expect((await authenticateApiKey(keyB.key)).ok).toBe(true);
    // Another shop's key on this shop's tRPC procedure: NOT_FOUND, as for a non-member.
    expect(await codeOf((await callerWithKey(keyB.key)).catalog.listProducts({ tenantSlug: a.slug }))).toBe("NOT_FOUND");
    expect(await codeOf((await callerWithKey(keyB.key)).apiKeys.list({ tenantSlug: a.slug }))).toBe("NOT_FOUND");
    // A platform key is no shop's key.
    expect(await codeOf((await callerWithKey(platform.key)).catalog.listProducts({ tenantSlug: a.slug }))).toBe("NOT_FOUND");
  });

  it("acts on tRPC as its shop with the role its scopes give; revoked, expired and unknown keys are UNAUTHORIZED", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    const reader = await makeShopKey(shop, owner.id, ["catalog:read"]);
    const usageOnly = await makeShopKey(shop, owner.id, ["usage:write"]);
    const admin = await makeShopKey(shop, owner.id, ["admin"]);
    expect(await codeOf((await callerWithKey(reader.key)).catalog.listProducts({ tenantSlug: shop.slug }))).toBe("OK");
    expect(await codeOf((await callerWithKey(reader.key)).apiKeys.list({ tenantSlug: shop.slug }))).toBe("FORBIDDEN");
    expect(await codeOf((await callerWithKey(usageOnly.key)).catalog.listProducts({ tenantSlug: shop.slug }))).toBe("FORBIDDEN");
    expect(await codeOf((await callerWithKey(admin.key)).apiKeys.list({ tenantSlug: shop.slug }))).toBe("OK");
    // Not a user: user-level procedures refuse a key.
    expect(await codeOf((await callerWithKey(admin.key)).tenants.listMine())).toBe("FORBIDDEN");

    await callerFor(owner.id).apiKeys.revoke({ tenantSlug: shop.slug, keyId: reader.apiKey.id });
    expect(await codeOf((await callerWithKey(reader.key)).catalog.listProducts({ tenantSlug: shop.slug }))).toBe("UNAUTHORIZED");
    await withSystem("test", (tx) => tx.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1) }).where(eq(apiKeys.id, admin.apiKey.id)));
    expect(await codeOf((await callerWithKey(admin.key)).catalog.listProducts({ tenantSlug: shop.slug }))).toBe("UNAUTHORIZED");
    expect(await codeOf((await callerWithKey("souk_" + "a".repeat(32))).catalog.listProducts({ tenantSlug: shop.slug }))).toBe("UNAUTHORIZED");
    const listed = await callerFor(owner.id).apiKeys.list({ tenantSlug: shop.slug });
    expect(Object.fromEntries(listed.map((k) => [k.id, k.status]))).toEqual({ [reader.apiKey.id]: "revoked", [admin.apiKey.id]: "expired", [usageOnly.apiKey.id]: "active" });
    const audit = await withSystem("test", (tx) => tx.select().from(auditLog).where(eq(auditLog.targetId, reader.apiKey.id)));
    expect(audit.map((a) => a.action).sort()).toEqual(["api_key.created", "api_key.revoked"]);
  });

  it("writes last_used_at at most once per interval, not per request", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    const { key, apiKey } = await makeShopKey(shop, owner.id, ["usage:write"], null);
    const lastUsed = async () => (await withSystem("test", (tx) => tx.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, apiKey.id))))[0]!.at;
    const t0 = new Date("2030-01-01T10:00:00Z");
    await authenticateApiKey(key, t0);
    expect(await lastUsed()).toEqual(t0);
    await authenticateApiKey(key, new Date(t0.getTime() + 1000));
    await authenticateApiKey(key, new Date(t0.getTime() + LAST_USED_WRITE_INTERVAL_MS - 1));
    expect(await lastUsed()).toEqual(t0);
    const t1 = new Date(t0.getTime() + LAST_USED_WRITE_INTERVAL_MS);
    await authenticateApiKey(key, t1);
    expect(await lastUsed()).toEqual(t1);
  });

  it("reuses a key lookup on the REST path for at most API_KEY_CACHE_TTL_MS: revocation elsewhere bites within it, here at once; expiry is exact", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    const elsewhere = await makeShopKey(shop, owner.id);
    const here = await makeShopKey(shop, owner.id);
    const expiring = await makeShopKey(shop, owner.id);
    const t0 = new Date();
    const at = (ms: number) => new Date(t0.getTime() + ms);
    await withSystem("test", (tx) => tx.update(apiKeys).set({ expiresAt: at(2_000) }).where(eq(apiKeys.id, expiring.apiKey.id)));
    for (const k of [elsewhere, here, expiring]) expect((await authenticateApiKeyCached(k.key, t0)).ok).toBe(true);

    // Revoked by another instance (straight in the database): this instance may still take the key
    // until its entry is API_KEY_CACHE_TTL_MS old, never after.
    await withSystem("test", (tx) => tx.update(apiKeys).set({ revokedAt: t0 }).where(eq(apiKeys.id, elsewhere.apiKey.id)));
    expect((await authenticateApiKeyCached(elsewhere.key, at(1_000))).ok).toBe(true);
    expect(await authenticateApiKeyCached(elsewhere.key, at(API_KEY_CACHE_TTL_MS))).toEqual({ ok: false, failure: "revoked_key" });
    // Revoked through this instance: refused on the next request.
    await callerFor(owner.id).apiKeys.revoke({ tenantSlug: shop.slug, keyId: here.apiKey.id });
    expect(await authenticateApiKeyCached(here.key, at(1))).toEqual({ ok: false, failure: "revoked_key" });
    // Expiry is read from the cached entry on every request.
    expect((await authenticateApiKeyCached(expiring.key, at(1_999))).ok).toBe(true);
    expect(await authenticateApiKeyCached(expiring.key, at(2_000))).toEqual({ ok: false, failure: "expired_key" });
    // Unknown keys are never cached: each is a lookup, and stays invalid.
    expect(await authenticateApiKeyCached("souk_" + "b".repeat(32), t0)).toEqual({ ok: false, failure: "invalid_key" });
  });

  it("lets only platform admins manage platform keys", async () => {
    const admin = await makeUser();
    const user = await makeUser();
    await withSystem("test", (tx) => tx.execute(`update users set is_platform_admin = true where id = '${admin.id}'`));
    expect(await codeOf(callerFor(user.id).apiKeys.platformList())).toBe("FORBIDDEN");
    const created = await callerFor(admin.id).apiKeys.platformCreate({ name: "Billing service", scopes: ["usage:write"], expiresInDays: null });
    expect(created.apiKey).toMatchObject({ kind: "platform", status: "active", expiresAt: null });
    expect((await callerFor(admin.id).apiKeys.platformList()).map((k) => k.id)).toContain(created.apiKey.id);
    await callerFor(admin.id).apiKeys.platformRevoke({ keyId: created.apiKey.id });
    expect(await authenticateApiKey(created.key)).toEqual({ ok: false, failure: "revoked_key" });
  });
});
