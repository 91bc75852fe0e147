import type { PublicUser } from "@/server/domain/users";
import type { Tenant } from "@/server/db/schema";
import { withTenant } from "@/server/db/tenancy";
import { recordAudit } from "@/server/domain/audit";

/**
 * Rows for every tenant table, created the way the product creates them. The
 * isolation test derives the list of tenant tables from the database and fails
 * for any table without rows here: a new tenant table needs a fixture below.
 *
 * Already covered by makeTenant(): tenants, memberships, audit_log.
 */
export async function createTenantFixtures(tenant: Tenant, owner: PublicUser): Promise<void> {
  await withTenant(tenant.id, (tx) =>
    recordAudit(tx, { userId: owner.id }, { tenantId: tenant.id, action: "fixture.created", targetType: "fixture" }),
  );
}
