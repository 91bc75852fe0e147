import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { callerFor, makeTenant, makeUser } from "@/test/factories";
import { flushVisits } from "@/server/storefront/visit-buffer";
import { POST } from "./route";

const beacon = (body: unknown, cookie?: string) =>
  new NextRequest("http://localhost/api/storefront/visit", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) } });

describe("POST /api/storefront/visit", () => {
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

  it("refuses malformed beacons with 400 and records nothing", async () => {
    expect((await POST(beacon({ tenant: "x", path: "no-leading-slash" }))).status).toBe(400);
    expect((await POST(new NextRequest("http://localhost/api/storefront/visit", { method: "POST", body: "not json" }))).status).toBe(400);
    expect(await flushVisits()).toBe(0);
  });
});
