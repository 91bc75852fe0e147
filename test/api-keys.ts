import { withTenant } from "@/server/db/tenancy";
import { createPlatformApiKey, createShopApiKey, type ApiKeyScope, type CreatedApiKey } from "@/server/domain/api-keys";
import type { Tenant } from "@/server/db/schema";

/** A shop key made the way the API keys page makes it (an admin's tenant context). */
export async function makeShopKey(tenant: Tenant, ownerId: string, scopes: ApiKeyScope[] = ["usage:write"], expiresInDays: number | null = 30): Promise<CreatedApiKey> {
  return withTenant(tenant.id, (tx) => createShopApiKey({ tx, tenantId: tenant.id, role: "owner", userId: ownerId }, { name: "Test key", scopes, expiresInDays }));
}

export async function makePlatformKey(scopes: ApiKeyScope[] = ["usage:write"]): Promise<CreatedApiKey> {
  return createPlatformApiKey({ userId: null }, { name: "Test service", scopes, expiresInDays: null });
}
