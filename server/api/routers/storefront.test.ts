import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { auditLog, storefrontSettings, type Tenant } from "@/server/db/schema";
import type { PublicUser } from "@/server/domain/users";
import { enqueueVisit, flushVisits } from "@/server/storefront/visit-buffer";
import { addMember, callerFor, makeTenant, makeUser, visitRow } from "@/test/factories";
import { codeOf } from "@/test/trpc";
import { callOverHttp, errorOf } from "@/test/http";

describe("storefront router", () => {
  let owner: PublicUser;
  let member: PublicUser;
  let viewer: PublicUser;
  let stranger: PublicUser;
  let shop: Tenant;
  let otherShop: Tenant;

  beforeAll(async () => {
    [owner, member, viewer, stranger] = await Promise.all([makeUser("Owner"), makeUser("Member"), makeUser("Viewer"), makeUser("Stranger")]);
    shop = await makeTenant(owner, "Branded Shop");
    otherShop = await makeTenant(stranger, "Other Branded");
    await addMember(shop.id, member.id, "member");
    await addMember(shop.id, viewer.id, "viewer");
  });

  it("returns defaults before anything is saved", async () => {
    expect(await callerFor(viewer.id).storefront.get({ tenantSlug: shop.slug })).toMatchObject({ title: null, published: true, primaryColor: "#0f766e" });
  });

  it("saves branding for a member, merges social links, and writes an audit row", async () => {
    const caller = callerFor(member.id);
    await caller.storefront.update({ tenantSlug: shop.slug, title: "The Shop", tagline: "Hand made", primaryColor: "#112233", socialLinks: { instagram: "https://instagram.com/shop" } });
    const saved = await caller.storefront.update({ tenantSlug: shop.slug, heroText: "Welcome", contactEmail: "hi@example.test", socialLinks: { website: "https://example.test" } });
    expect(saved).toMatchObject({ title: "The Shop", tagline: "Hand made", primaryColor: "#112233", heroText: "Welcome", contactEmail: "hi@example.test" });
    expect(saved.socialLinks).toEqual({ instagram: "https://instagram.com/shop", website: "https://example.test" });
    const audits = await db.select().from(auditLog).where(and(eq(auditLog.tenantId, shop.id), eq(auditLog.action, "storefront.updated")));
    expect(audits).toHaveLength(2);
  });

  it("rejects bad input naming the field, and changes nothing", async () => {
    const [before] = await db.select().from(storefrontSettings).where(eq(storefrontSettings.tenantId, shop.id));
    for (const [input, field] of [
      [{ primaryColor: "red" }, "primaryColor"],
      [{ contactEmail: "nope" }, "contactEmail"],
      [{ logoUrl: "javascript:alert(1)" }, "logoUrl"],
    ] as const) {
      const res = await callOverHttp(member.id, "storefront.update", { tenantSlug: shop.slug, ...input }, "mutation");
      expect(res.status).toBe(400);
      expect(Object.keys(errorOf(res.body).data.fieldErrors ?? {})).toContain(field);
    }
    const [after] = await db.select().from(storefrontSettings).where(eq(storefrontSettings.tenantId, shop.id));
    expect(after).toEqual(before);
  });

  it("lets viewers read but not change branding, and hides it from other tenants", async () => {
    expect(await codeOf(callerFor(viewer.id).storefront.update({ tenantSlug: shop.slug, title: "Viewer" }))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(stranger.id).storefront.get({ tenantSlug: shop.slug }))).toBe("NOT_FOUND");
    expect(await codeOf(callerFor(stranger.id).storefront.update({ tenantSlug: shop.slug, title: "Stolen" }))).toBe("NOT_FOUND");
    expect(await codeOf(callerFor(stranger.id).storefront.analytics({ tenantSlug: shop.slug }))).toBe("NOT_FOUND");
    expect((await callerFor(owner.id).storefront.get({ tenantSlug: shop.slug })).title).toBe("The Shop");
  });

  it("summarises batched visits per tenant: visits, unique visitors, sources, campaigns, products", async () => {
    const product = await callerFor(owner.id).catalog.createProduct({ tenantSlug: shop.slug, name: "Seen", price: "1", status: "published" });
    enqueueVisit(shop.slug, visitRow({ visitorId: "a", utmSource: "newsletter", utmCampaign: "spring", productId: product.id }));
    enqueueVisit(shop.slug, visitRow({ visitorId: "a", utmSource: "newsletter", utmCampaign: "spring" }));
    enqueueVisit(shop.slug, visitRow({ visitorId: "b", referrerHost: "google.com", productId: product.id }));
    enqueueVisit(otherShop.slug, visitRow({ visitorId: "z", utmSource: "elsewhere" }));
    enqueueVisit("no-such-shop", visitRow());
    expect(await flushVisits()).toBe(4);
    const summary = await callerFor(viewer.id).storefront.analytics({ tenantSlug: shop.slug, days: 7 });
    expect(summary.totals).toEqual({ visits: 3, visitors: 2 });
    expect(summary.daily).toHaveLength(7);
    expect(summary.daily.at(-1)).toMatchObject({ visits: 3, visitors: 2 });
    expect(summary.topSources).toEqual([
      { source: "newsletter", visits: 2 },
      { source: "google.com", visits: 1 },
    ]);
    expect(summary.topCampaigns).toEqual([{ campaign: "spring", visits: 2 }]);
    expect(summary.topProducts).toEqual([{ productId: product.id, name: "Seen", slug: "seen", visits: 2 }]);
    const theirs = await callerFor(stranger.id).storefront.analytics({ tenantSlug: otherShop.slug, days: 7 });
    expect(theirs.topSources).toEqual([{ source: "elsewhere", visits: 1 }]);
  });
});
