import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, tenantId, tenantIsolation, timestamps } from "./columns";
import { tenants } from "./tenants";

/**
 * Catalog, media and storefront. Every table is a tenant table:
 * tenant_id leads the primary key, foreign keys between them include
 * tenant_id, and RLS is forced by migration (see the *_catalog_rls migration).
 */

export const productStatus = pgEnum("product_status", ["draft", "published", "archived"]);
export const mediaStatus = pgEnum("media_status", ["pending", "ready"]);

export const categories = pgTable(
  "categories",
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    id: id().notNull(),
    parentId: uuid(),
    name: text().notNull(),
    slug: text().notNull(),
    description: text().notNull().default(""),
    position: integer().notNull().default(0),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("categories_tenant_slug_key").on(t.tenantId, t.slug),
    foreignKey({ columns: [t.tenantId, t.parentId], foreignColumns: [t.tenantId, t.id], name: "categories_parent_fk" }),
    index().on(t.tenantId, t.parentId, t.position),
    tenantIsolation(t.tenantId),
  ],
).enableRLS();

export const products = pgTable(
  "products",
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    id: id().notNull(),
    categoryId: uuid(),
    slug: text().notNull(),
    name: text().notNull(),
    /** Markdown source; rendered through the sanitizer (server/domain/markdown.ts), never as raw HTML. */
    description: text().notNull().default(""),
    /** The storefront page's <title> and meta description; empty: the name and the description's start. */
    seoTitle: text().notNull().default(""),
    seoDescription: text().notNull().default(""),
    /** Exact amount as a string (NUMERIC), never a JS float. */
    price: numeric({ precision: 12, scale: 3 }).notNull(),
    /** ISO 4217; null means the tenant's default currency. */
    currency: text(),
    status: productStatus().notNull().default("draft"),
    sku: text(),
    /** Null: stock is not tracked. */
    stock: integer(),
    featured: boolean().notNull().default(false),
    position: integer().notNull().default(0),
    publishedAt: timestamp({ withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("products_tenant_slug_key").on(t.tenantId, t.slug),
    foreignKey({ columns: [t.tenantId, t.categoryId], foreignColumns: [categories.tenantId, categories.id], name: "products_category_fk" }),
    index().on(t.tenantId, t.status, t.position),
    index().on(t.tenantId, t.categoryId, t.status),
    index().on(t.tenantId, t.sku),
    check("products_price_non_negative", sql`${t.price} >= 0`),
    check("products_stock_non_negative", sql`${t.stock} is null or ${t.stock} >= 0`),
    tenantIsolation(t.tenantId),
  ],
).enableRLS();

export const mediaAssets = pgTable(
  "media_assets",
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    id: id().notNull(),
    /** Null for shop-level images (logo); else the product's gallery. */
    productId: uuid(),
    /** Always starts with `tenants/{tenantId}/`, so a key can never name another tenant's object. */
    objectKey: text().notNull(),
    contentType: text().notNull(),
    bytes: integer().notNull(),
    width: integer(),
    height: integer(),
    alt: text().notNull().default(""),
    status: mediaStatus().notNull().default("pending"),
    position: integer().notNull().default(0),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("media_assets_tenant_key_key").on(t.tenantId, t.objectKey),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id], name: "media_assets_product_fk" }).onDelete("cascade"),
    index().on(t.tenantId, t.productId, t.position),
    index().on(t.status, t.createdAt),
    tenantIsolation(t.tenantId),
  ],
).enableRLS();

export type SocialLinks = { website?: string; instagram?: string; facebook?: string; x?: string; tiktok?: string };

/** One row per tenant; absent means defaults (title = shop name, published). */
export const storefrontSettings = pgTable(
  "storefront_settings",
  {
    tenantId: tenantId()
      .primaryKey()
      .references(() => tenants.id, { onDelete: "cascade" }),
    title: text(),
    tagline: text().notNull().default(""),
    logoUrl: text(),
    primaryColor: text().notNull().default("#0f766e"),
    accentColor: text().notNull().default("#f59e0b"),
    heroTitle: text().notNull().default(""),
    heroText: text().notNull().default(""),
    contactEmail: text(),
    contactPhone: text(),
    socialLinks: jsonb().$type<SocialLinks>().notNull().default({}),
    published: boolean().notNull().default(true),
    ...timestamps,
  },
  (t) => [tenantIsolation(t.tenantId)],
).enableRLS();

/**
 * Storefront page views. No raw IP: the visitor is an anonymous random id from
 * a first-party cookie. product_id has no foreign key on purpose: visits are
 * written in batches after the response and must not fail because a product
 * was archived or its id was forged by a client.
 */
export const visits = pgTable(
  "visits",
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    id: id().notNull(),
    occurredAt: createdAt(),
    path: text().notNull(),
    productId: uuid(),
    visitorId: text().notNull(),
    utmSource: text(),
    utmMedium: text(),
    utmCampaign: text(),
    utmTerm: text(),
    utmContent: text(),
    referrerHost: text(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index().on(t.tenantId, t.occurredAt), tenantIsolation(t.tenantId)],
).enableRLS();

/**
 * Storefront page views per client address and minute: the visit beacon's rate limit.
 * Only the current minute matters; older rows are deleted as new ones are counted.
 */
export const visitRateLimits = pgTable(
  "visit_rate_limits",
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: "cascade" }),
    /** Keyed hash of the client's address: the address itself is never stored. */
    clientKey: text().notNull(),
    windowStart: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    hits: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.clientKey, t.windowStart] }), tenantIsolation(t.tenantId)],
).enableRLS();

export type Category = typeof categories.$inferSelect;
export type Product = typeof products.$inferSelect;
export type ProductStatus = (typeof productStatus.enumValues)[number];
export type MediaAsset = typeof mediaAssets.$inferSelect;
export type StorefrontSettings = typeof storefrontSettings.$inferSelect;
export type Visit = typeof visits.$inferSelect;
