import { and, asc, count, eq, ilike, inArray, ne, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { categories, mediaAssets, products, tenants, type Category, type Product } from "@/server/db/schema";
import { recordAudit } from "./audit";
import type { TenantContext } from "./context";
import { DomainError, fieldError, isUniqueViolation, notFound } from "./errors";
import { currencyInput, priceDigitsProblem } from "./money";
import { assertWithinPlanLimit } from "./plans";
import { publicUrl } from "@/server/integrations/s3";
import { slugify } from "@/lib/slug";
import { text } from "./text";

/* ----------------------------------------------------------------- inputs */

export const catalogSlugInput = text()
  .trim()
  .toLowerCase()
  .min(1, "Enter a slug")
  .max(80, "Use at most 80 characters")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Use lowercase letters, digits and single hyphens");

/**
 * An exact amount as a string. Numbers are accepted from callers but turned
 * into strings before any check, so no float rounding sneaks in.
 */
export const priceInput = z
  .union([text(), z.number()])
  .transform((v) => (typeof v === "number" ? String(v) : v.trim()))
  .superRefine((v, ctx) => {
    if (/^-/.test(v)) ctx.addIssue({ code: "custom", message: "Price cannot be negative" });
    else if (!/^\d+(\.\d+)?$/.test(v)) ctx.addIssue({ code: "custom", message: "Enter a price like 12.500" });
    else if ((v.split(".")[1] ?? "").length > 3) ctx.addIssue({ code: "custom", message: "Use at most 3 decimals" });
    else if ((v.split(".")[0] ?? "").replace(/^0+(?=\d)/, "").length > 9) ctx.addIssue({ code: "custom", message: "Price is too large" });
  });

/** Null: the product is priced in the shop's default currency. */
export const productCurrencyInput = currencyInput.nullable();

const productFields = {
  name: text().trim().min(1, "Enter a name").max(200, "Use at most 200 characters"),
  slug: catalogSlugInput,
  description: text().max(20_000, "Use at most 20,000 characters"),
  // Search engines show about 60 and 155 characters; the limits leave room without allowing essays.
  seoTitle: text().trim().max(120, "Use at most 120 characters"),
  seoDescription: text().trim().max(320, "Use at most 320 characters"),
  price: priceInput,
  currency: productCurrencyInput,
  status: z.enum(["draft", "published", "archived"]),
  categoryId: z.uuid().nullable(),
  sku: text().trim().max(64, "Use at most 64 characters").nullable(),
  stock: z.number().int().min(0, "Stock cannot be negative").max(1_000_000_000).nullable(),
  featured: z.boolean(),
};

export const createProductInput = z.object({
  ...productFields,
  slug: catalogSlugInput.optional(),
  description: productFields.description.default(""),
  seoTitle: productFields.seoTitle.default(""),
  seoDescription: productFields.seoDescription.default(""),
  currency: productFields.currency.default(null),
  status: productFields.status.default("draft"),
  categoryId: productFields.categoryId.default(null),
  sku: productFields.sku.default(null),
  stock: productFields.stock.default(null),
  featured: productFields.featured.default(false),
});

export const updateProductInput = z
  .object({ id: z.uuid(), ...z.object(productFields).partial().shape })
  .refine(({ id: _id, ...changes }) => Object.values(changes).some((v) => v !== undefined), "Nothing to update");

export const listProductsInput = z.object({
  search: text().trim().max(100).optional(),
  status: z.enum(["draft", "published", "archived"]).optional(),
  categoryId: z.uuid("Give the category's id (a UUID)").optional(),
  cursor: text().max(200, "Pass back the nextCursor of the previous page").nullish(),
  limit: z.number().int().min(1, "Ask for 1 to 100 products a page").max(100, "Ask for 1 to 100 products a page").default(25),
});

export const productIdInput = z.object({ id: z.uuid("Give the product's id (a UUID)") });
export const setProductStatusInput = z.object({ ids: z.array(z.uuid()).min(1).max(500), status: z.enum(["draft", "published", "archived"]) });
export const reorderInput = z.object({ ids: z.array(z.uuid()).min(1).max(1000) });

export const createCategoryInput = z.object({
  name: text().trim().min(1, "Enter a name").max(100, "Use at most 100 characters"),
  slug: catalogSlugInput.optional(),
  description: text().max(2000).default(""),
  parentId: z.uuid().nullable().default(null),
});
export const updateCategoryInput = z.object({
  id: z.uuid(),
  name: createCategoryInput.shape.name.optional(),
  slug: catalogSlugInput.optional(),
  description: text().max(2000).optional(),
  parentId: z.uuid().nullable().optional(),
}).refine(({ id: _id, ...changes }) => Object.values(changes).some((v) => v !== undefined), "Nothing to update");
export const categoryIdInput = z.object({ id: z.uuid() });

/* ---------------------------------------------------------------- helpers */

/** Product and category slugs may be longer than shop slugs; a name with no letters gets "item". */
export function slugFromName(name: string): string {
  return slugify(name, 80) || "item";
}

function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Opaque cursor over (position, id), the listing order. */
function encodeCursor(p: Pick<Product, "position" | "id">) {
  return Buffer.from(`${p.position}:${p.id}`).toString("base64url");
}
function decodeCursor(cursor: string): { position: number; id: string } {
  const [position, id] = Buffer.from(cursor, "base64url").toString().split(":");
  const parsed = z.object({ position: z.coerce.number().int(), id: z.uuid() }).safeParse({ position, id });
  if (!parsed.success) throw new DomainError("bad_request", "Invalid cursor");
  return parsed.data;
}

async function assertCategoryExists(ctx: TenantContext, categoryId: string | null | undefined) {
  if (!categoryId) return;
  const [row] = await ctx.tx.select({ id: categories.id }).from(categories).where(eq(categories.id, categoryId));
  if (!row) throw fieldError("categoryId", "Choose an existing category");
}

async function nextPosition(ctx: TenantContext, table: typeof products | typeof categories): Promise<number> {
  const [row] = await ctx.tx.select({ max: sql<number>`coalesce(max(${table.position}), -1)::int` }).from(table);
  return (row?.max ?? -1) + 1;
}

/* ------------------------------------------------------------- categories */

export type CategoryNode = Category & { productCount: number };

export async function listCategories(ctx: TenantContext): Promise<CategoryNode[]> {
  const rows = await ctx.tx
    .select({ category: categories, productCount: sql<number>`(select count(*)::int from ${products} p where p.category_id = ${categories.id} and p.status <> 'archived')` })
    .from(categories)
    .orderBy(asc(categories.position), asc(categories.name));
  return rows.map((r) => ({ ...r.category, productCount: r.productCount }));
}

export async function createCategory(ctx: TenantContext, input: z.output<typeof createCategoryInput>): Promise<Category> {
  await assertParent(ctx, null, input.parentId);
  const slug = input.slug ?? slugFromName(input.name);
  let category: Category | undefined;
  try {
    [category] = await ctx.tx
      .insert(categories)
      .values({ tenantId: ctx.tenantId, name: input.name, slug, description: input.description, parentId: input.parentId, position: await nextPosition(ctx, categories) })
      .returning();
  } catch (error) {
    if (isUniqueViolation(error, "categories_tenant_slug_key")) throw fieldError("slug", "This slug is already used by another category");
    throw error;
  }
  if (!category) throw new Error("insert returned no row");
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "category.created", targetType: "category", targetId: category.id, metadata: { name: category.name, slug } });
  return category;
}

/** A parent must exist in this tenant and must not be the category itself or one of its descendants. */
async function assertParent(ctx: TenantContext, id: string | null, parentId: string | null | undefined) {
  if (!parentId) return;
  if (parentId === id) throw fieldError("parentId", "A category cannot be its own parent");
  const all = await ctx.tx.select({ id: categories.id, parentId: categories.parentId }).from(categories);
  const byId = new Map(all.map((c) => [c.id, c.parentId]));
  if (!byId.has(parentId)) throw fieldError("parentId", "Choose an existing category");
  for (let cur: string | null | undefined = parentId, hops = 0; cur && hops < 1000; cur = byId.get(cur), hops++) {
    if (cur === id) throw fieldError("parentId", "A category cannot be moved inside itself");
  }
}

export async function updateCategory(ctx: TenantContext, input: z.output<typeof updateCategoryInput>): Promise<Category> {
  await assertParent(ctx, input.id, input.parentId);
  const { id, ...changes } = input;
  let category: Category | undefined;
  try {
    [category] = await ctx.tx.update(categories).set(changes).where(eq(categories.id, id)).returning();
  } catch (error) {
    if (isUniqueViolation(error, "categories_tenant_slug_key")) throw fieldError("slug", "This slug is already used by another category");
    throw error;
  }
  if (!category) throw notFound("Category not found");
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "category.updated", targetType: "category", targetId: id, metadata: { changes } });
  return category;
}

/**
 * Deletes a category. Its products become uncategorised and its children move
 * up to its parent (done first, because the foreign keys would refuse otherwise).
 */
export async function deleteCategory(ctx: TenantContext, input: z.output<typeof categoryIdInput>): Promise<{ id: string }> {
  const [category] = await ctx.tx.select().from(categories).where(eq(categories.id, input.id));
  if (!category) throw notFound("Category not found");
  await ctx.tx.update(products).set({ categoryId: null }).where(eq(products.categoryId, input.id));
  await ctx.tx.update(categories).set({ parentId: category.parentId }).where(eq(categories.parentId, input.id));
  await ctx.tx.delete(categories).where(eq(categories.id, input.id));
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "category.deleted", targetType: "category", targetId: input.id, metadata: { name: category.name, slug: category.slug } });
  return { id: input.id };
}

export async function reorderCategories(ctx: TenantContext, input: z.output<typeof reorderInput>): Promise<{ count: number }> {
  const n = await applyOrder(ctx, categories, input.ids);
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "category.reordered", targetType: "category", metadata: { ids: input.ids } });
  return { count: n };
}

/** Sets position = index for each id, in one statement; every id must belong to this tenant. */
async function applyOrder(ctx: TenantContext, table: typeof products | typeof categories, ids: string[]): Promise<number> {
  if (new Set(ids).size !== ids.length) throw fieldError("ids", "Each item may appear only once");
  const found = await ctx.tx.select({ id: table.id }).from(table).where(inArray(table.id, ids));
  if (found.length !== ids.length) throw notFound("Some items were not found");
  const cases = sql.join(ids.map((id, i) => sql`when ${id}::uuid then ${i}::int`), sql` `);
  await ctx.tx.update(table).set({ position: sql`case ${table.id} ${cases} end` }).where(inArray(table.id, ids));
  return ids.length;
}

/* --------------------------------------------------------------- products */

export type ProductListItem = Product & { thumbnailUrl: string | null; categoryName: string | null };

export async function listProducts(ctx: TenantContext, input: z.output<typeof listProductsInput>): Promise<{ items: ProductListItem[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (input.status) where.push(eq(products.status, input.status));
  if (input.categoryId) where.push(eq(products.categoryId, input.categoryId));
  if (input.search) {
    const pattern = `%${escapeLike(input.search)}%`;
    const match = or(ilike(products.name, pattern), ilike(products.sku, pattern));
    if (match) where.push(match);
  }
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    where.push(sql`(${products.position}, ${products.id}) > (${c.position}, ${c.id}::uuid)`);
  }
  const rows = await ctx.tx
    .select({
      product: products,
      categoryName: categories.name,
      thumbnailKey: sql<string | null>`(select m.object_key from ${mediaAssets} m where m.product_id = ${products.id} and m.status = 'ready' order by m.position, m.created_at limit 1)`,
    })
    .from(products)
    .leftJoin(categories, and(eq(categories.tenantId, products.tenantId), eq(categories.id, products.categoryId)))
    .where(and(...where))
    .orderBy(asc(products.position), asc(products.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ ...r.product, categoryName: r.categoryName, thumbnailUrl: r.thumbnailKey ? publicUrl(r.thumbnailKey) : null })),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last.product) : null,
  };
}

export async function getProduct(ctx: TenantContext, input: z.output<typeof productIdInput>): Promise<Product> {
  const [product] = await ctx.tx.select().from(products).where(eq(products.id, input.id));
  if (!product) throw notFound("Product not found");
  return product;
}

function uniqueProductError(error: unknown): never {
  if (isUniqueViolation(error, "products_tenant_slug_key")) throw fieldError("slug", "This slug is already used by another product");
  throw error;
}

/**
 * A price may use at most its currency's minor digits (JPY 0, EUR 2, KWD 3);
 * a product without a currency is priced in the shop's default one. The error
 * names `field`: the price when it was sent, else the currency that changed.
 */
async function assertPriceFitsCurrency(ctx: TenantContext, price: string, currency: string | null, field: "price" | "currency"): Promise<void> {
  let effective = currency;
  if (!effective) {
    const [tenant] = await ctx.tx.select({ currency: tenants.defaultCurrency }).from(tenants).where(eq(tenants.id, ctx.tenantId));
    effective = tenant?.currency ?? "EUR";
  }
  const problem = priceDigitsProblem(price, effective);
  if (problem) throw fieldError(field, problem);
}

export async function createProduct(ctx: TenantContext, input: z.output<typeof createProductInput>): Promise<Product> {
  await assertPriceFitsCurrency(ctx, input.price, input.currency, "price");
  await assertCategoryExists(ctx, input.categoryId);
  // The plan's product limit counts products that are not archived.
  const [active] = await ctx.tx.select({ n: count() }).from(products).where(ne(products.status, "archived"));
  await assertWithinPlanLimit(ctx, "products", active?.n ?? 0);
  const slug = input.slug ?? slugFromName(input.name);
  let product: Product | undefined;
  try {
    [product] = await ctx.tx
      .insert(products)
      .values({
        tenantId: ctx.tenantId,
        ...input,
        slug,
        sku: input.sku || null,
        position: await nextPosition(ctx, products),
        publishedAt: input.status === "published" ? new Date() : null,
      })
      .returning();
  } catch (error) {
    uniqueProductError(error);
  }
  if (!product) throw new Error("insert returned no row");
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "product.created", targetType: "product", targetId: product.id, metadata: { name: product.name, slug, price: product.price, status: product.status } });
  return product;
}

export async function updateProduct(ctx: TenantContext, input: z.output<typeof updateProductInput>): Promise<Product> {
  const { id, ...changes } = input;
  const before = await getProduct(ctx, { id });
  if (changes.price !== undefined || changes.currency !== undefined) {
    const currency = changes.currency !== undefined ? changes.currency : before.currency;
    await assertPriceFitsCurrency(ctx, changes.price ?? before.price, currency, changes.price !== undefined ? "price" : "currency");
  }
  await assertCategoryExists(ctx, changes.categoryId);
  if (changes.status && changes.status !== "archived" && before.status === "archived") {
    const [active] = await ctx.tx.select({ n: count() }).from(products).where(ne(products.status, "archived"));
    await assertWithinPlanLimit(ctx, "products", active?.n ?? 0);
  }
  let product: Product | undefined;
  try {
    [product] = await ctx.tx
      .update(products)
      .set({
        ...changes,
        ...(changes.sku !== undefined ? { sku: changes.sku || null } : {}),
        ...(changes.status === "published" && !before.publishedAt ? { publishedAt: new Date() } : {}),
      })
      .where(eq(products.id, id))
      .returning();
  } catch (error) {
    uniqueProductError(error);
  }
  if (!product) throw notFound("Product not found");
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "product.updated", targetType: "product", targetId: id, metadata: { changes } });
  return product;
}

/** Bulk publish / unpublish / archive. Products are archived, never deleted (orders and analytics keep pointing at them). */
export async function setProductStatus(ctx: TenantContext, input: z.output<typeof setProductStatusInput>): Promise<{ count: number }> {
  const found = await ctx.tx.select({ id: products.id, status: products.status }).from(products).where(inArray(products.id, input.ids));
  if (found.length !== new Set(input.ids).size) throw notFound("Some products were not found");
  if (input.status !== "archived") {
    const reviving = found.filter((p) => p.status === "archived").length;
    if (reviving > 0) {
      const [active] = await ctx.tx.select({ n: count() }).from(products).where(ne(products.status, "archived"));
      await assertWithinPlanLimit(ctx, "products", active?.n ?? 0, reviving);
    }
  }
  await ctx.tx
    .update(products)
    .set({ status: input.status, ...(input.status === "published" ? { publishedAt: sql`coalesce(${products.publishedAt}, now())` } : {}) })
    .where(inArray(products.id, input.ids));
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: `product.${input.status === "published" ? "published" : input.status === "archived" ? "archived" : "unpublished"}`, targetType: "product", metadata: { ids: input.ids } });
  return { count: found.length };
}

export async function reorderProducts(ctx: TenantContext, input: z.output<typeof reorderInput>): Promise<{ count: number }> {
  const n = await applyOrder(ctx, products, input.ids);
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "product.reordered", targetType: "product", metadata: { ids: input.ids } });
  return { count: n };
}
