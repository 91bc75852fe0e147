import { resolveStorefrontTenant, storefrontAvailability, type StorefrontAvailability } from "@/server/domain/storefront-tenant";

/**
 * Per-process memo of slug → availability for the proxy, so a storefront
 * request costs a map lookup, not a query. Five seconds bounds how long a
 * suspension (or resumption) takes to show; nothing else depends on it.
 */
const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;
const memo = new Map<string, { value: StorefrontAvailability; expires: number }>();

export async function availabilityFor(slug: string): Promise<StorefrontAvailability> {
  const now = Date.now();
  const hit = memo.get(slug);
  if (hit && hit.expires > now) return hit.value;
  const value = storefrontAvailability(await resolveStorefrontTenant(slug));
  if (memo.size >= MAX_ENTRIES) memo.clear();
  memo.set(slug, { value, expires: now + TTL_MS });
  return value;
}
