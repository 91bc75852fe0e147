import { randomUUID } from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { insertVisits, type VisitRow } from "@/server/domain/analytics";
import { createCategory, createProduct } from "@/server/domain/catalog";
import type { TenantContext } from "@/server/domain/context";
import { hashPassword } from "@/server/domain/passwords";
import { putObject } from "@/server/integrations/s3";
import { logger } from "@/server/logger";
import { categories, mediaAssets, memberships, products, tenants, users, visits } from "./schema";
import { demoPng } from "./demo-png";
import { withSystem, withTenant } from "./tenancy";

export const DEMO_OWNER = { email: "owner@demo.souk.local", password: "souk-demo-password", name: "Demo Owner" };
export const DEMO_SHOP = { slug: "demo-shop", name: "Demo Shop" };

type Rgb = [number, number, number];
const DEMO_CATEGORIES = [
  { slug: "ceramics", name: "Ceramics", description: "Hand-thrown cups, bowls and vases." },
  { slug: "textiles", name: "Textiles", description: "Woven and printed cloth." },
  { slug: "prints", name: "Prints", description: "Posters and risograph prints." },
] as const;
const DEMO_PRODUCTS: { slug: string; name: string; category: (typeof DEMO_CATEGORIES)[number]["slug"]; price: string; colours: [Rgb, Rgb]; featured?: boolean }[] = [
  { slug: "tea-bowl", name: "Tea bowl", category: "ceramics", price: "28.00", colours: [[196, 120, 84], [92, 52, 40]], featured: true },
  { slug: "espresso-cup", name: "Espresso cup", category: "ceramics", price: "18.50", colours: [[230, 218, 200], [120, 110, 100]] },
  { slug: "bud-vase", name: "Bud vase", category: "ceramics", price: "34.00", colours: [[90, 130, 150], [30, 50, 70]] },
  { slug: "serving-plate", name: "Serving plate", category: "ceramics", price: "46.00", colours: [[240, 236, 220], [170, 150, 120]] },
  { slug: "linen-napkins", name: "Linen napkins (set of 4)", category: "textiles", price: "32.00", colours: [[200, 190, 170], [120, 100, 80]], featured: true },
  { slug: "indigo-scarf", name: "Indigo scarf", category: "textiles", price: "58.00", colours: [[40, 60, 120], [10, 20, 50]] },
  { slug: "wool-throw", name: "Wool throw", category: "textiles", price: "120.00", colours: [[170, 70, 60], [80, 30, 30]] },
  { slug: "tote-bag", name: "Canvas tote bag", category: "textiles", price: "22.00", colours: [[220, 200, 150], [140, 120, 80]] },
  { slug: "harbour-poster", name: "Harbour poster", category: "prints", price: "25.00", colours: [[60, 140, 170], [240, 200, 120]], featured: true },
  { slug: "botanical-print", name: "Botanical print", category: "prints", price: "30.00", colours: [[80, 140, 90], [230, 230, 200]] },
  { slug: "city-map", name: "City map print", category: "prints", price: "35.00", colours: [[200, 200, 210], [60, 60, 80]] },
  { slug: "risograph-set", name: "Risograph set of 3", category: "prints", price: "48.00", colours: [[240, 90, 120], [40, 120, 200]] },
];
const VISIT_DAYS = 28;
const SOURCES = [null, null, "newsletter", "instagram", "google"] as const;

/**
 * Seeds the demo shop, its owner and a small catalog: categories, a dozen published products
 * with an image each (generated PNGs uploaded to S3), and four weeks of storefront visits, so the
 * storefront, Analytics and Billing show something at first sign-in. Idempotent: each part is
 * added only when missing, so a second run changes nothing.
 */
export async function seedDemo(): Promise<void> {
  const passwordHash = await hashPassword(DEMO_OWNER.password);
  const { userId, tenantId } = await withSystem("seed", async (tx) => {
    await tx
      .insert(users)
      .values({ email: DEMO_OWNER.email, name: DEMO_OWNER.name, passwordHash, emailVerified: new Date() })
      .onConflictDoNothing();
    await tx.insert(tenants).values({ ...DEMO_SHOP, status: "active", defaultCurrency: "EUR" }).onConflictDoNothing();
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, DEMO_OWNER.email));
    const [tenant] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, DEMO_SHOP.slug));
    if (!user || !tenant) throw new Error("demo seed rows missing");
    await tx.insert(memberships).values({ tenantId: tenant.id, userId: user.id, role: "owner" }).onConflictDoNothing();
    return { userId: user.id, tenantId: tenant.id };
  });

  const productIds = await withTenant(tenantId, (tx) => seedCatalog({ tx, tenantId, userId, role: "owner" }));
  await seedImages(tenantId, productIds);
  await withTenant(tenantId, (tx) => seedVisits(tx, tenantId, productIds));
}

/** Categories and published products, each created through the catalog's own rules when missing. */
async function seedCatalog(ctx: TenantContext): Promise<Map<string, string>> {
  const categoryIds = new Map((await ctx.tx.select({ id: categories.id, slug: categories.slug }).from(categories)).map((c) => [c.slug, c.id]));
  for (const c of DEMO_CATEGORIES) {
    if (!categoryIds.has(c.slug)) categoryIds.set(c.slug, (await createCategory(ctx, { ...c, parentId: null })).id);
  }
  const productIds = new Map((await ctx.tx.select({ id: products.id, slug: products.slug }).from(products)).map((p) => [p.slug, p.id]));
  for (const p of DEMO_PRODUCTS) {
    if (productIds.has(p.slug)) continue;
    const product = await createProduct(ctx, {
      name: p.name,
      slug: p.slug,
      description: `**${p.name}**, made in small batches for the Souk demo shop.`,
      seoTitle: "",
      seoDescription: "",
      price: p.price,
      currency: null,
      status: "published",
      categoryId: categoryIds.get(p.category)!,
      sku: `DEMO-${p.slug.toUpperCase()}`,
      stock: 12,
      featured: p.featured ?? false,
    });
    productIds.set(p.slug, product.id);
  }
  return productIds;
}

/** One generated image per demo product without one: uploaded to S3, then recorded as ready. */
async function seedImages(tenantId: string, productIds: Map<string, string>): Promise<void> {
  const withImage = new Set(
    (await withTenant(tenantId, (tx) => tx.select({ productId: mediaAssets.productId }).from(mediaAssets).where(eq(mediaAssets.status, "ready")))).map((m) => m.productId),
  );
  for (const p of DEMO_PRODUCTS) {
    const productId = productIds.get(p.slug);
    if (!productId || withImage.has(productId)) continue;
    const png = demoPng(256, ...p.colours);
    const id = randomUUID();
    const objectKey = `tenants/${tenantId}/media/${id}.png`;
    try {
      await putObject(objectKey, png, "image/png");
    } catch (error) {
      // No S3 reachable (db:seed without S3_ENDPOINT): the catalog is still usable without images.
      logger.warn({ err: error }, "demo seed: S3 not reachable, products left without images");
      return;
    }
    await withTenant(tenantId, (tx) =>
      tx.insert(mediaAssets).values({ tenantId, id, productId, objectKey, contentType: "image/png", bytes: png.length, width: 256, height: 256, alt: p.name, status: "ready" }),
    );
  }
}

/** Four weeks of storefront visits (a few dozen a day, some from campaigns), once. */
async function seedVisits(tx: TenantContext["tx"], tenantId: string, productIds: Map<string, string>): Promise<void> {
  const [existing] = await tx.select({ n: count() }).from(visits).where(and(eq(visits.tenantId, tenantId)));
  if ((existing?.n ?? 0) > 0) return;
  const ids = [...productIds.entries()];
  const rows: VisitRow[] = [];
  const now = Date.now();
  for (let day = 0; day < VISIT_DAYS; day++) {
    // A gentle weekly rhythm, deterministic so that reseeding a fresh database looks the same.
    const perDay = 25 + ((day * 7) % 17) + (day % 7 < 2 ? 15 : 0);
    for (let i = 0; i < perDay; i++) {
      const [slug, productId] = ids[(day * 31 + i * 7) % ids.length]!;
      const onProduct = i % 3 !== 0;
      const source = SOURCES[(day + i) % SOURCES.length]!;
      rows.push({
        path: onProduct ? `/s/${DEMO_SHOP.slug}/p/${slug}` : `/s/${DEMO_SHOP.slug}`,
        productId: onProduct ? productId : null,
        visitorId: `demo-visitor-${(day * 13 + i) % 150}`,
        utmSource: source,
        utmMedium: source === "newsletter" ? "email" : source ? "social" : null,
        utmCampaign: source === "newsletter" ? "spring" : null,
        utmTerm: null,
        utmContent: null,
        referrerHost: source === "google" ? "www.google.com" : null,
        occurredAt: new Date(now - day * 86_400_000 - ((i * 2_711_000) % 86_400_000)),
        clientKey: null,
      });
    }
  }
  await insertVisits(tx, tenantId, rows);
}
