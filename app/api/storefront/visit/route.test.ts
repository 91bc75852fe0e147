import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { db } from "@/server/db/client";
import { visitRateLimits } from "@/server/db/schema";
import { env } from "@/server/env";
import { callerFor, makeTenant, makeUser } from "@/test/factories";
import { flushVisits } from "@/server/storefront/visit-buffer";
import { POST } from "./route";

const beacon = (body: unknown, cookie?: string, forwardedFor = "203.0.113.7") =>
  new NextRequest("http://localhost/api/storefront/visit", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor, ...(cookie ? { cookie } : {}) },
  });

describe("POST /api/storefront/visit", () => {
  // Behind one proxy that writes X-Forwarded-For (the default, 0, trusts none: no per-address limit).
  const configuredHops = env.TRUSTED_PROXY_HOPS;
  beforeAll(() => {
    env.TRUSTED_PROXY_HOPS = 1;
  });
  afterAll(() => {
    env.TRUSTED_PROXY_HOPS = configuredHops;
  });

  it("answers 204 at once, sets a first-party visitor cookie, and records the visit in a batch (no IP stored)", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner, "Beacon Shop");
    const res = await POST(beacon({ tenant: shop.slug, path: `/s/${shop.slug}`, utmSource: "newsletter", utmMedium: "email", utmCampaign: "launch", referrerHost: "Mail.Example" }));
    expect(res.status).toBe(204);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/souk_vid=[0-9a-f-]{36}/);
    expect(cookie).toMatch(/HttpOnly/i);
    const visitor = /souk_vid=([0-9a-f-]{36})/.exec(cookie)![1]!;
    // A returning visitor keeps the id and gets no new cookie.
    const again = await POST(beacon({ tenant: shop.slug, path: `/s/${shop.slug}/p/x` }, `souk_vid=${visitor}`));
    expect(again.headers.get("set-cookie")).toBeNull();
    expect(await flushVisits()).toBe(2);
    const summary = await callerFor(owner.id).storefront.analytics({ tenantSlug: shop.slug, days: 1 });
    expect(summary.totals).toEqual({ visits: 2, visitors: 1 });
    expect(summary.topSources).toEqual(expect.arrayContaining([{ source: "newsletter", visits: 1 }, { source: "(direct)", visits: 1 }]));
  });

  it("records at most VISIT_RATE_LIMIT_PER_MINUTE page views per client address and shop, whatever the cookie, across flushes", async () => {
    const owner = await makeUser();
    // One account opens one trial shop: the other shop has its own owner.
    const otherOwner = await makeUser();
    const [shop, other] = await Promise.all([makeTenant(owner, "Flooded Shop"), makeTenant(otherOwner, "Other Shop")]);
    const limit = env.VISIT_RATE_LIMIT_PER_MINUTE;
    // Counters are per clock minute: start well inside one, so both flushes below share it.
    const second = new Date().getSeconds();
    if (second > 50) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
    // A script without cookies: a new visitor id each time, one address.
    for (let i = 0; i < limit + 5; i++) expect((await POST(beacon({ tenant: shop.slug, path: `/s/${shop.slug}` }))).status).toBe(204);
    await POST(beacon({ tenant: shop.slug, path: `/s/${shop.slug}` }, undefined, "198.51.100.9"));
    await POST(beacon({ tenant: other.slug, path: `/s/${other.slug}` }));
    expect(await flushVisits()).toBe(limit + 2);
    // Still the same minute: that address has no room left, in any later batch.
    await POST(beacon({ tenant: shop.slug, path: `/s/${shop.slug}` }));
    expect(await flushVisits()).toBe(0);
    const visitsOf = async (userId: string, slug: string) => (await callerFor(userId).storefront.analytics({ tenantSlug: slug, days: 1 })).totals.visits;
    expect([await visitsOf(owner.id, shop.slug), await visitsOf(otherOwner.id, other.slug)]).toEqual([limit + 1, 1]);
    // Only a keyed hash of the address is kept, and only for the current minute.
    const counters = await db.select().from(visitRateLimits).where(eq(visitRateLimits.tenantId, shop.id));
    expect(counters.map((c) => c.hits).sort((a, b) => a - b)).toEqual([1, limit + 6]);
    expect(counters.some((c) => c.clientKey.includes("203.0.113.7"))).toBe(false);
  });

  it("forgets earlier minutes' counters as it counts the current one", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner, "Old Counters Shop");
    await db.insert(visitRateLimits).values({ tenantId: shop.id, clientKey: "stale", windowStart: new Date(Date.now() - 5 * 60_000), hits: 999 });
    await POST(beacon({ tenant: shop.slug, path: `/s/${shop.slug}` }));
    expect(await flushVisits()).toBe(1);
    const counters = await db.select({ clientKey: visitRateLimits.clientKey }).from(visitRateLimits).where(eq(visitRateLimits.tenantId, shop.id));
    expect(counters.map((c) => c.clientKey)).not.toContain("stale");
    expect(counters).toHaveLength(1);
  });

  it("refuses malformed beacons with 400 and records nothing", async () => {
    expect((await POST(beacon({ tenant: "x", path: "no-leading-slash" }))).status).toBe(400);
    expect((await POST(new NextRequest("http://localhost/api/storefront/visit", { method: "POST", body: "not json" }))).status).toBe(400);
    expect(await flushVisits()).toBe(0);
  });
});
