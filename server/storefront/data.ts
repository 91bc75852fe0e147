import "server-only";
import { unstable_cache } from "next/cache";
import { withTenant } from "@/server/db/tenancy";
import {
  getPublicCategory,
  getPublicHomeProducts,
  getPublicProduct,
  getPublicShop,
  getSitemapEntries,
  resolveStorefrontTenant,
  searchPublicProducts,
  storefrontAvailability,
  type StorefrontTenant,
} from "@/server/domain/storefront";
import { storefrontTag, storefrontTenantTag } from "./cache-tags";

/**
 * Cached reads for the public storefront. 1. The slug resolves to a tenant
 * through the named system lookup, cached under the slug's tag, which tenant
 * creation and edits (name, currency) expire; status is not trusted from this
 * cache, since the proxy answers for suspended and missing shops itself. 2. Every catalog read
 * then goes through withTenant (RLS) and is cached under the tenant's tag,
 * which catalog and branding mutations expire. Cached values are JSON, so
 * these loaders return no Date objects.
 */
const HOUR = 3600;

export const loadStorefrontTenant = (slug: string) =>
  unstable_cache(() => resolveStorefrontTenant(slug), ["sf-tenant", slug], { revalidate: HOUR, tags: [storefrontTenantTag(slug)] })();

/** The tenant for a public page, or null when there is no open storefront under this slug. */
export async function loadOpenStorefront(slug: string): Promise<StorefrontTenant | null> {
  const tenant = await loadStorefrontTenant(slug);
  return storefrontAvailability(tenant) === "open" ? tenant : null;
}

function cached<A extends string[], R>(tenant: StorefrontTenant, name: string, fn: () => Promise<R>, ...key: A): Promise<R> {
  return unstable_cache(fn, ["sf", name, tenant.id, tenant.defaultCurrency, ...key], { revalidate: HOUR, tags: [storefrontTag(tenant.id)] })();
}

export const loadShop = (tenant: StorefrontTenant) => cached(tenant, "shop", () => withTenant(tenant.id, (tx) => getPublicShop(tx, tenant)));

export const loadHomeProducts = (tenant: StorefrontTenant) => cached(tenant, "home", () => withTenant(tenant.id, (tx) => getPublicHomeProducts(tx, tenant)));

export const loadCategory = (tenant: StorefrontTenant, slug: string, page = 1) =>
  cached(
    tenant,
    "category",
    () => withTenant(tenant.id, (tx) => getPublicCategory(tx, tenant, slug, page)).then((r) => (r ? { ...r, category: { id: r.category.id, slug: r.category.slug, name: r.category.name, description: r.category.description } } : null)),
    slug,
    String(page),
  );

export const loadProduct = (tenant: StorefrontTenant, slug: string) =>
  cached(tenant, "product", () => withTenant(tenant.id, (tx) => getPublicProduct(tx, tenant, slug)).then((p) => (p ? { ...p, updatedAt: p.updatedAt.toISOString() } : null)), slug);

export const loadSearch = (tenant: StorefrontTenant, query: string) => cached(tenant, "search", () => withTenant(tenant.id, (tx) => searchPublicProducts(tx, tenant, query)), query.trim().toLowerCase().slice(0, 100));

export const loadSitemap = (tenant: StorefrontTenant) =>
  cached(tenant, "sitemap", async () => {
    const entries = await withTenant(tenant.id, (tx) => getSitemapEntries(tx));
    if (!entries) return null;
    return {
      products: entries.products.map((p) => ({ slug: p.slug, updatedAt: p.updatedAt.toISOString() })),
      categories: entries.categories.map((c) => ({ slug: c.slug, updatedAt: c.updatedAt.toISOString() })),
    };
  });
