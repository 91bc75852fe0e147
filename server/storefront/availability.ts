import { resolveStorefrontTenant, storefrontAvailability, type StorefrontAvailability } from "@/server/domain/storefront-tenant";

/**
 * Per-process memo of slug → availability for the proxy, so a storefront
 * request costs a map lookup, not a query. An entry older than five seconds is
 * still answered at once while one refresh per slug runs in the background:
 * under load, an expiry must not send every in-flight request to the database
 * (that herd was the storefront benchmark's p99). So a suspension, resumption
 * or deletion shows within about five seconds plus one query.
 */
const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;
const memo = new Map<string, { value: StorefrontAvailability; expires: number }>();
const refreshing = new Map<string, Promise<StorefrontAvailability>>();

function refresh(slug: string): Promise<StorefrontAvailability> {
  let pending = refreshing.get(slug);
  if (!pending) {
    pending = resolveStorefrontTenant(slug)
      .then((tenant) => {
        const value = storefrontAvailability(tenant);
        if (memo.size >= MAX_ENTRIES) memo.clear();
        memo.set(slug, { value, expires: Date.now() + TTL_MS });
        return value;
      })
      .finally(() => refreshing.delete(slug));
    refreshing.set(slug, pending);
  }
  return pending;
}

export async function availabilityFor(slug: string): Promise<StorefrontAvailability> {
  const hit = memo.get(slug);
  if (!hit) return refresh(slug);
  // A failed background refresh keeps the last known answer; the next request retries.
  if (hit.expires <= Date.now()) refresh(slug).catch(() => {});
  return hit.value;
}
