import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { proxy } from "@/proxy";
import type { Tenant } from "@/server/db/schema";
import { withTenant } from "@/server/db/tenancy";
import { renderMarkdown } from "@/server/domain/markdown";
import {
  getPublicCategory,
  getPublicHomeProducts,
  getPublicProduct,
  getPublicShop,
  getSitemapEntries,
  resolveStorefrontTenant,
  robotsTxt,
  searchPublicProducts,
  type StorefrontTenant,
} from "@/server/domain/storefront";
import type { PublicUser } from "@/server/domain/users";
import { formatPrice } from "@/lib/format-price";
import { callerFor, makeTenant, makeUser, setTenantStatus } from "@/test/factories";
import { productJsonLd } from "./json-ld";
import { storefrontRoute, subdomainSlug } from "./routing";

async function publicTenant(slug: string): Promise<StorefrontTenant> {
  const t = await resolveStorefrontTenant(slug);
  if (!t) throw new Error(`no tenant ${slug}`);
  return t;
}

describe("public storefront", () => {
  let owner: PublicUser;
  let rival: PublicUser;
  let shop: Tenant;
  let rivalShop: Tenant;

  beforeAll(async () => {
    [owner, rival] = await Promise.all([makeUser("Owner"), makeUser("Rival")]);
    shop = await makeTenant(owner, "Public Shop");
    rivalShop = await makeTenant(rival, "Rival Shop");
    const c = callerFor(owner.id).catalog;
    const cat = await c.createCategory({ tenantSlug: shop.slug, name: "Lamps" });
    await c.createProduct({ tenantSlug: shop.slug, name: "Kuwaiti Lamp", price: "12.5", currency: "KWD", status: "published", categoryId: cat.id, sku: "KW-1" });
    await c.createProduct({ tenantSlug: shop.slug, name: "Yen Lamp", price: "1200", currency: "JPY", status: "published", categoryId: cat.id });
    await c.createProduct({ tenantSlug: shop.slug, name: "Secret Draft", price: "1", status: "draft", categoryId: cat.id });
    await c.createProduct({ tenantSlug: shop.slug, name: "Old Archived", price: "1", status: "archived" });
    await c.createProduct({
      tenantSlug: shop.slug,
      name: "Evil Lamp",
      price: "3",
      status: "published",
      description: 'Nice **lamp**\n\n<script>alert(1)</script>\n\n<img src="x" onerror="alert(2)">\n\n[click](javascript:alert(3))\n\n<a href="https://ok.example" onclick="alert(4)">ok</a>',
    });
    await callerFor(rival.id).catalog.createProduct({ tenantSlug: rivalShop.slug, name: "Rival Only", price: "9", status: "published" });
  });

  it("shows only published products, in the product's currency digits", async () => {
    const t = await publicTenant(shop.slug);
    const home = await withTenant(t.id, (tx) => getPublicHomeProducts(tx, t));
    expect(home.map((p) => p.name).sort()).toEqual(["Evil Lamp", "Kuwaiti Lamp", "Yen Lamp"]);
    const kwd = home.find((p) => p.name === "Kuwaiti Lamp")!;
    expect(formatPrice(kwd.price, kwd.currency)).toBe("KWD\u00a012.500");
    const jpy = home.find((p) => p.name === "Yen Lamp")!;
    expect(formatPrice(jpy.price, jpy.currency)).toBe("¥1,200");
    // A product without a currency falls back to the shop's default.
    expect(home.find((p) => p.name === "Evil Lamp")!.currency).toBe("EUR");
    const cat = await withTenant(t.id, (tx) => getPublicCategory(tx, t, "lamps"));
    expect(cat!.products.map((p) => p.name).sort()).toEqual(["Kuwaiti Lamp", "Yen Lamp"]);
    // Paged: published products only, in order, with the page count.
    const first = await withTenant(t.id, (tx) => getPublicCategory(tx, t, "lamps", 1, 1));
    const second = await withTenant(t.id, (tx) => getPublicCategory(tx, t, "lamps", 2, 1));
    expect([first!.pageCount, second!.pageCount]).toEqual([2, 2]);
    expect([...first!.products, ...second!.products].map((p) => p.name)).toEqual(["Kuwaiti Lamp", "Yen Lamp"]);
  });

  it("returns nothing (a 404) for a draft or archived product", async () => {
    const t = await publicTenant(shop.slug);
    expect(await withTenant(t.id, (tx) => getPublicProduct(tx, t, "secret-draft"))).toBeNull();
    expect(await withTenant(t.id, (tx) => getPublicProduct(tx, t, "old-archived"))).toBeNull();
    expect(await withTenant(t.id, (tx) => searchPublicProducts(tx, t, "secret"))).toEqual([]);
    expect((await withTenant(t.id, (tx) => searchPublicProducts(tx, t, "kw-1"))).map((p) => p.name)).toEqual(["Kuwaiti Lamp"]);
  });

  it("never shows another tenant's product, even by its slug", async () => {
    const t = await publicTenant(shop.slug);
    expect(await withTenant(t.id, (tx) => getPublicProduct(tx, t, "rival-only"))).toBeNull();
    expect(await withTenant(t.id, (tx) => searchPublicProducts(tx, t, "rival"))).toEqual([]);
    const r = await publicTenant(rivalShop.slug);
    expect((await withTenant(r.id, (tx) => getPublicHomeProducts(tx, r))).map((p) => p.name)).toEqual(["Rival Only"]);
  });

  it("renders an XSS attempt in a description inert", async () => {
    const t = await publicTenant(shop.slug);
    const p = await withTenant(t.id, (tx) => getPublicProduct(tx, t, "evil-lamp"));
    const html = p!.descriptionHtml;
    expect(html).toContain("<strong>lamp</strong>");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/onerror|onclick/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).toContain('href="https://ok.example"');
  });

  it("sanitizes other markdown tricks", () => {
    for (const evil of ["<iframe src=https://evil.example></iframe>", "<svg onload=alert(1)>", '<a href="JaVaScRiPt:alert(1)">x</a>', "![x](data:text/html;base64,PHNjcmlwdD4=)", "<div style=\"background:url(javascript:alert(1))\">x</div>"]) {
      const html = renderMarkdown(evil);
      expect(html).not.toMatch(/<iframe|<svg|onload|javascript:|data:|style=/i);
    }
  });

  it("answers a suspended shop's storefront with HTTP 503, on /s/{slug} and on its subdomain", async () => {
    const o = await makeUser();
    const t = await makeTenant(o, "Soon Suspended");
    await setTenantStatus(t.id, "suspended");
    for (const req of [new NextRequest(`http://localhost/s/${t.slug}`), new NextRequest(`http://localhost/s/${t.slug}/p/anything`), new NextRequest("http://localhost/", { headers: { host: `${t.slug}.localhost:3000` } })]) {
      const res = await proxy(req);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain("temporarily unavailable");
    }
    const open = await proxy(new NextRequest(`http://localhost/s/${shop.slug}`));
    expect(open.status).toBe(200);
    const app = await proxy(new NextRequest(`http://localhost/dashboard/${shop.slug}`));
    expect(app.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers 404 at the proxy for a slug with no open shop: unknown, pending or deleted", async () => {
    const o = await makeUser("Gone");
    const pending = await makeTenant(o, "Still Pending");
    await setTenantStatus(pending.id, "pending");
    const deleted = await makeTenant(await makeUser("Gone Too"), "Long Gone");
    await setTenantStatus(deleted.id, "deleted");
    for (const slug of ["no-such-shop", pending.slug, deleted.slug]) {
      const res = await proxy(new NextRequest(`http://localhost/s/${slug}/p/anything`));
      expect(res.status).toBe(404);
      expect(await res.text()).toContain("no shop at this address");
    }
  });

  it("rewrites {slug}.BASE_DOMAIN to /s/{slug}", async () => {
    expect(subdomainSlug("acme.localhost:3000", "localhost")).toBe("acme");
    expect(subdomainSlug("localhost:3000", "localhost")).toBeNull();
    expect(subdomainSlug("www.souk.test", "souk.test")).toBeNull();
    expect(subdomainSlug("a.b.souk.test", "souk.test")).toBeNull();
    expect(storefrontRoute("acme.souk.test", "/p/lamp", "souk.test")).toEqual({ slug: "acme", rewriteTo: "/s/acme/p/lamp" });
    expect(storefrontRoute("acme.souk.test", "/", "souk.test")).toEqual({ slug: "acme", rewriteTo: "/s/acme" });
    expect(storefrontRoute("acme.souk.test", "/s/acme/p/lamp", "souk.test")).toEqual({ slug: "acme", rewriteTo: null });
    expect(storefrontRoute("acme.souk.test", "/api/storefront/visit", "souk.test")).toBeNull();
    expect(storefrontRoute("souk.test", "/dashboard", "souk.test")).toBeNull();
    const res = await proxy(new NextRequest("http://localhost/p/lamp", { headers: { host: `${shop.slug}.localhost` } }));
    expect(res.headers.get("x-middleware-rewrite")).toContain(`/s/${shop.slug}/p/lamp`);
  });
});

describe("storefront: unpublished shops, theme and structured data", () => {
  it("an unpublished storefront lists nothing in sitemap.xml and keeps crawlers out in robots.txt", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner, "Hidden Shop");
    await callerFor(owner.id).catalog.createProduct({ tenantSlug: shop.slug, name: "Hidden Lamp", price: "3", status: "published" });
    const t = await publicTenant(shop.slug);
    const base = `http://localhost:3000/s/${shop.slug}`;
    const published = await withTenant(t.id, (tx) => getSitemapEntries(tx));
    expect(published?.products.map((p) => p.slug)).toEqual(["hidden-lamp"]);
    expect(robotsTxt({ slug: shop.slug, published: true }, base)).toContain(`Sitemap: ${base}/sitemap.xml`);

    await callerFor(owner.id).storefront.update({ tenantSlug: shop.slug, published: false });
    expect(await withTenant(t.id, (tx) => getSitemapEntries(tx))).toBeNull();
    const { branding } = await withTenant(t.id, (tx) => getPublicShop(tx, t));
    const robots = robotsTxt({ slug: shop.slug, published: branding.published }, base);
    expect(robots).toBe("User-agent: *\nDisallow: /\n");
    expect(robots).not.toContain("Sitemap");
  });

  it("the shop settings' brand colour is the storefront theme's primary colour", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner, "Coloured Shop");
    await callerFor(owner.id).tenants.updateSettings({ tenantSlug: shop.slug, brandColor: "#aa3300" });
    const t = await publicTenant(shop.slug);
    expect((await withTenant(t.id, (tx) => getPublicShop(tx, t))).branding.primaryColor).toBe("#aa3300");
    expect((await callerFor(owner.id).storefront.get({ tenantSlug: shop.slug })).primaryColor).toBe("#aa3300");
    // Cleared: back to the theme's default; other storefront settings are kept.
    await callerFor(owner.id).storefront.update({ tenantSlug: shop.slug, tagline: "Kept" });
    await callerFor(owner.id).tenants.updateSettings({ tenantSlug: shop.slug, brandColor: null });
    expect((await withTenant(t.id, (tx) => getPublicShop(tx, t))).branding).toMatchObject({ primaryColor: "#0f766e", tagline: "Kept" });
  });

  it("prints the price in JSON-LD with the currency's own digits", () => {
    const ld = (price: string, currency: string) => JSON.parse(productJsonLd({ name: "<Lamp>", sku: null, price, currency, images: [] })).offers;
    expect(ld("12.500", "EUR")).toEqual({ "@type": "Offer", price: "12.50", priceCurrency: "EUR" });
    expect(ld("1200.000", "JPY")).toMatchObject({ price: "1200" });
    expect(ld("12.500", "KWD")).toMatchObject({ price: "12.500" });
    expect(productJsonLd({ name: "</script>", sku: null, price: "1", currency: "EUR", images: [] })).not.toContain("</script>");
  });
});
