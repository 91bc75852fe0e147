import { and, asc, eq, ilike, or, sql } from "drizzle-orm";
import { z } from "zod";
import { categories, mediaAssets, products, storefrontSettings, type Category, type StorefrontSettings } from "@/server/db/schema";
import type { Tx } from "@/server/db/tenancy";
import { publicUrl } from "@/server/integrations/s3";
import { recordAudit } from "./audit";
import type { TenantContext } from "./context";
import { renderMarkdown, markdownToText } from "./markdown";
import type { StorefrontTenant } from "./storefront-tenant";
import { brandColorInput } from "./tenants";
import { text } from "./text";

export { resolveStorefrontTenant, storefrontAvailability, type StorefrontTenant, type StorefrontAvailability } from "./storefront-tenant";

/* ------------------------------------------------------ settings (dashboard) */

const optionalUrl = text()
  .trim()
  .max(500)
  .refine((v) => v === "" || /^https?:\/\/[^\s]+$/i.test(v), "Use a full http(s) URL")
  .transform((v) => v || null)
  .nullable();

export const updateStorefrontInput = z.object({
  title: text().trim().max(100).transform((v) => v || null).nullable().optional(),
  tagline: text().trim().max(200).optional(),
  logoUrl: optionalUrl.optional(),
  primaryColor: brandColorInput.optional(),
  accentColor: brandColorInput.optional(),
  heroTitle: text().trim().max(150).optional(),
  heroText: text().trim().max(1000).optional(),
  contactEmail: z
    .union([z.email("Enter a valid email address"), z.literal("")])
    .transform((v) => v || null)
    .nullable()
    .optional(),
  contactPhone: text().trim().max(40).transform((v) => v || null).nullable().optional(),
  socialLinks: z
    .object({ website: optionalUrl, instagram: optionalUrl, facebook: optionalUrl, x: optionalUrl, tiktok: optionalUrl })
    .partial()
    .optional(),
  published: z.boolean().optional(),
});

export type StorefrontBranding = Omit<StorefrontSettings, "tenantId" | "createdAt" | "updatedAt">;

const defaults = (): StorefrontBranding => ({
  title: null,
  tagline: "",
  logoUrl: null,
  primaryColor: "#0f766e",
  accentColor: "#f59e0b",
  heroTitle: "",
  heroText: "",
  contactEmail: null,
  contactPhone: null,
  socialLinks: {},
  published: true,
});

async function readBranding(tx: Tx): Promise<StorefrontBranding> {
  const [row] = await tx.select().from(storefrontSettings);
  if (!row) return defaults();
  const { tenantId: _t, createdAt: _c, updatedAt: _u, ...branding } = row;
  return branding;
}

export async function getStorefrontSettings(ctx: TenantContext): Promise<StorefrontBranding> {
  return readBranding(ctx.tx);
}

export async function updateStorefrontSettings(ctx: TenantContext, input: z.output<typeof updateStorefrontInput>): Promise<StorefrontBranding> {
  const before = await readBranding(ctx.tx);
  const next = {
    ...before,
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    socialLinks: input.socialLinks
      ? Object.fromEntries(Object.entries({ ...before.socialLinks, ...input.socialLinks }).filter(([, v]) => v))
      : before.socialLinks,
  } as StorefrontBranding;
  await ctx.tx
    .insert(storefrontSettings)
    .values({ tenantId: ctx.tenantId, ...next })
    .onConflictDoUpdate({ target: storefrontSettings.tenantId, set: { ...next, updatedAt: new Date() } });
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "storefront.updated", targetType: "storefront", targetId: ctx.tenantId, metadata: { changes: input } });
  return next;
}

/* ------------------------------------------------------------ public reads */

export type PublicProductCard = {
  id: string;
  slug: string;
  name: string;
  price: string;
  currency: string;
  imageUrl: string | null;
};

export type PublicShop = {
  tenant: StorefrontTenant;
  branding: StorefrontBranding;
  categories: Pick<Category, "id" | "slug" | "name" | "parentId" | "description">[];
};

const firstImageKey = sql<string | null>`(select m.object_key from ${mediaAssets} m where m.product_id = ${products.id} and m.status = 'ready' order by m.position, m.created_at limit 1)`;

function card(row: { id: string; slug: string; name: string; price: string; currency: string | null; imageKey: string | null }, tenant: StorefrontTenant): PublicProductCard {
  return { id: row.id, slug: row.slug, name: row.name, price: row.price, currency: row.currency ?? tenant.defaultCurrency, imageUrl: row.imageKey ? publicUrl(row.imageKey) : null };
}

const cardColumns = { id: products.id, slug: products.slug, name: products.name, price: products.price, currency: products.currency, imageKey: firstImageKey };

/** Shop chrome: branding and the category tree. `tx` is a withTenant transaction for `tenant`. */
export async function getPublicShop(tx: Tx, tenant: StorefrontTenant): Promise<PublicShop> {
  const [branding, cats] = await Promise.all([
    readBranding(tx),
    tx
      .select({ id: categories.id, slug: categories.slug, name: categories.name, parentId: categories.parentId, description: categories.description })
      .from(categories)
      .orderBy(asc(categories.position), asc(categories.name)),
  ]);
  return { tenant, branding, categories: cats };
}

/** Home: featured products first, then the newest published ones, up to `limit`. */
export async function getPublicHomeProducts(tx: Tx, tenant: StorefrontTenant, limit = 12): Promise<PublicProductCard[]> {
  const rows = await tx
    .select(cardColumns)
    .from(products)
    .where(eq(products.status, "published"))
    .orderBy(sql`${products.featured} desc`, asc(products.position), asc(products.id))
    .limit(limit);
  return rows.map((r) => card(r, tenant));
}

export const CATEGORY_PAGE_SIZE = 48;

/** A category and one page of its published products (1-based `page`), with the page count. */
export async function getPublicCategory(tx: Tx, tenant: StorefrontTenant, slug: string, page = 1, pageSize = CATEGORY_PAGE_SIZE) {
  const [category] = await tx.select().from(categories).where(eq(categories.slug, slug));
  if (!category) return null;
  const inCategory = and(eq(products.status, "published"), eq(products.categoryId, category.id));
  const [rows, [total]] = await Promise.all([
    tx
      .select(cardColumns)
      .from(products)
      .where(inCategory)
      .orderBy(asc(products.position), asc(products.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    tx.select({ n: sql<number>`count(*)::int` }).from(products).where(inCategory),
  ]);
  return { category, products: rows.map((r) => card(r, tenant)), page, pageCount: Math.max(1, Math.ceil((total?.n ?? 0) / pageSize)) };
}

export type PublicProduct = PublicProductCard & {
  descriptionHtml: string;
  descriptionText: string;
  /** The merchant's SEO title and meta description; empty when not set. */
  seoTitle: string;
  seoDescription: string;
  sku: string | null;
  inStock: boolean | null;
  category: { slug: string; name: string } | null;
  images: { url: string; alt: string; width: number | null; height: number | null }[];
  updatedAt: Date;
};

/** A published product by slug, with its gallery; null for drafts, archived and unknown slugs. */
export async function getPublicProduct(tx: Tx, tenant: StorefrontTenant, slug: string): Promise<PublicProduct | null> {
  const [row] = await tx
    .select({ product: products, categorySlug: categories.slug, categoryName: categories.name })
    .from(products)
    .leftJoin(categories, and(eq(categories.tenantId, products.tenantId), eq(categories.id, products.categoryId)))
    .where(and(eq(products.slug, slug), eq(products.status, "published")));
  if (!row) return null;
  const p = row.product;
  const images = await tx
    .select()
    .from(mediaAssets)
    .where(and(eq(mediaAssets.productId, p.id), eq(mediaAssets.status, "ready")))
    .orderBy(asc(mediaAssets.position), asc(mediaAssets.createdAt));
  return {
    ...card({ ...p, imageKey: images[0]?.objectKey ?? null }, tenant),
    descriptionHtml: renderMarkdown(p.description),
    descriptionText: markdownToText(p.description),
    seoTitle: p.seoTitle,
    seoDescription: p.seoDescription,
    sku: p.sku,
    inStock: p.stock === null ? null : p.stock > 0,
    category: row.categorySlug && row.categoryName ? { slug: row.categorySlug, name: row.categoryName } : null,
    images: images.map((m) => ({ url: publicUrl(m.objectKey), alt: m.alt || p.name, width: m.width, height: m.height })),
    updatedAt: p.updatedAt,
  };
}

function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function searchPublicProducts(tx: Tx, tenant: StorefrontTenant, query: string, limit = 48): Promise<PublicProductCard[]> {
  const q = query.trim().slice(0, 100);
  if (!q) return [];
  const pattern = `%${escapeLike(q)}%`;
  const rows = await tx
    .select(cardColumns)
    .from(products)
    .where(and(eq(products.status, "published"), or(ilike(products.name, pattern), ilike(products.sku, pattern))))
    .orderBy(asc(products.position), asc(products.id))
    .limit(limit);
  return rows.map((r) => card(r, tenant));
}

/**
 * For sitemap.xml: every published product and every category; null while the
 * storefront itself is unpublished, whose pages answer 404 and must not be listed.
 */
export async function getSitemapEntries(tx: Tx) {
  if (!(await readBranding(tx)).published) return null;
  const [prods, cats] = await Promise.all([
    tx.select({ slug: products.slug, updatedAt: products.updatedAt }).from(products).where(eq(products.status, "published")).orderBy(asc(products.position)).limit(50_000),
    tx.select({ slug: categories.slug, updatedAt: categories.updatedAt }).from(categories),
  ]);
  return { products: prods, categories: cats };
}

/**
 * robots.txt of a shop (`base`: its storefront URL). An unpublished storefront
 * asks crawlers to stay away and names no sitemap.
 */
export function robotsTxt(shop: { slug: string; published: boolean }, base: string): string {
  if (!shop.published) return "User-agent: *\nDisallow: /\n";
  return `User-agent: *\nAllow: /s/${shop.slug}/\nDisallow: /s/${shop.slug}/search\nSitemap: ${base}/sitemap.xml\n`;
}
