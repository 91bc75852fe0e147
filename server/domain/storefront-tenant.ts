import { eq } from "drizzle-orm";
import { tenants, type TenantStatus } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";

/*
 * Kept apart from storefront.ts (no S3 or Markdown imports) because the
 * request proxy uses it on every storefront request.
 */

export type StorefrontTenant = { id: string; slug: string; name: string; status: TenantStatus; defaultCurrency: string };

/**
 * The public storefront's only cross-tenant step: slug → tenant. Everything
 * after it reads through withTenant (RLS) with the id found here.
 */
export async function resolveStorefrontTenant(slug: string): Promise<StorefrontTenant | null> {
  if (!/^[a-z0-9-]{1,63}$/.test(slug)) return null;
  const [row] = await withSystem("resolve-storefront-tenant", (tx) =>
    tx
      .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, status: tenants.status, defaultCurrency: tenants.defaultCurrency })
      .from(tenants)
      .where(eq(tenants.slug, slug))
      .limit(1),
  );
  return row ?? null;
}

/** Only active shops have an open storefront; a suspended one is "temporarily unavailable"; others do not exist publicly. */
export type StorefrontAvailability = "open" | "suspended" | "missing";
export function storefrontAvailability(tenant: StorefrontTenant | null): StorefrontAvailability {
  if (!tenant) return "missing";
  if (tenant.status === "active") return "open";
  if (tenant.status === "suspended") return "suspended";
  return "missing";
}
