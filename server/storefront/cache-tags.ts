import { revalidateTag } from "next/cache";
import { logger } from "@/server/logger";

/**
 * Cache tags for the public storefront. Every cached storefront read is tagged
 * with its tenant's tag, so one call after a catalog or branding edit makes all
 * of that shop's pages fresh on their next request.
 */
export const storefrontTag = (tenantId: string) => `storefront:${tenantId}`;
export const storefrontTenantTag = (slug: string) => `storefront-slug:${slug}`;

/**
 * Expire the tenant's storefront cache at once (`expire: 0`), so an edit shows
 * on the next request rather than after a stale-while-revalidate round. Called
 * from mutations in the router layer; Next.js applies pending revalidations when
 * the request ends, after the tenant transaction has committed. Outside a Next.js
 * request (tests, scripts) there is no cache to expire, and that is not an error.
 */
export function revalidateStorefront(tenantId: string): void {
  expireNow(storefrontTag(tenantId));
}

/** After a change to the tenant row itself (name, default currency): the slug lookup is cached separately. */
export function revalidateStorefrontTenant(slug: string): void {
  expireNow(storefrontTenantTag(slug));
}

function expireNow(tag: string) {
  try {
    revalidateTag(tag, { expire: 0 });
  } catch (error) {
    if (error instanceof Error && error.message.includes("static generation store missing")) return;
    logger.warn({ err: error, tag }, "storefront revalidation failed");
  }
}
