import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { withTenant } from "@/server/db/tenancy";
import type { ApiPrincipal } from "@/server/domain/api-keys";
import { createTenant } from "@/server/domain/tenants";
import { makeTenant, makeUser, setTenantStatus, uniqueSuffix } from "@/test/factories";
import { ingestUsage, SHOP_REF_CACHE_TTL_MS } from "./ingest";

const platform: ApiPrincipal = { keyId: "00000000-0000-0000-0000-000000000000", kind: "platform", tenantId: null, tenantSlug: null, scopes: ["usage:write"], requestsPerMinute: null };
const ev = (shop: string) => ({ shop, metric: "api_calls", quantity: 1, occurredAt: new Date().toISOString(), idempotencyKey: `e-${uniqueSuffix()}` });
const codes = (result: { errors: { code: string }[] }) => result.errors.map((e) => e.code);

async function usageOf(tenantId: string): Promise<number> {
  const [row] = await withTenant(tenantId, (tx) => tx.execute<{ n: number }>(sql`select count(*)::int as n from usage_events`));
  return row!.n;
}

describe("ingestUsage shop references (platform keys)", () => {
  it("reuses a resolved shop for at most SHOP_REF_CACHE_TTL_MS: a deleted shop is refused after that", async () => {
    const shop = await makeTenant(await makeUser());
    const t0 = new Date();
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect((await ingestUsage(platform, { events: [ev(shop.slug)] }, t0)).accepted).toBe(1);
    await setTenantStatus(shop.id, "deleted");
    // Within the bound the cached reference still takes events (the shop's rows stay until the purge).
    expect((await ingestUsage(platform, { events: [ev(shop.slug)] }, at(1_000))).accepted).toBe(1);
    const after = await ingestUsage(platform, { events: [ev(shop.slug), ev(shop.id)] }, at(SHOP_REF_CACHE_TTL_MS));
    expect([after.accepted, codes(after)]).toEqual([0, ["unknown_shop", "unknown_shop"]]);
    expect(await usageOf(shop.id)).toBe(2);
  });

  it("never caches an unknown reference: a shop opened after a refusal is found on the next batch", async () => {
    const slug = `later-${uniqueSuffix()}`;
    const now = new Date();
    expect(codes(await ingestUsage(platform, { events: [ev(slug)] }, now))).toEqual(["unknown_shop"]);
    const owner = await makeUser();
    const shop = await createTenant({ userId: owner.id }, { name: "Later", slug, defaultCurrency: "EUR" });
    expect((await ingestUsage(platform, { events: [ev(slug)] }, now)).accepted).toBe(1);
    expect(await usageOf(shop.id)).toBe(1);
  });
});
