import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { createCaller } from "@/server/api/root";
import { createApiContext } from "@/server/api/trpc";
import { memberships, tenants, users, type MembershipRole, type Tenant, type TenantStatus } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import type { VisitRow } from "@/server/domain/analytics";
import { createTenant } from "@/server/domain/tenants";
import { signUp, type PublicUser } from "@/server/domain/users";

export const TEST_PASSWORD = "correct-horse-battery";

export function uniqueSuffix() {
  return randomBytes(4).toString("hex");
}

export async function makeUser(name = "Test User"): Promise<PublicUser> {
  return signUp({ name, email: `user-${uniqueSuffix()}@example.test`, password: TEST_PASSWORD }, {});
}

export async function makeTenant(owner: PublicUser, name = "Test Shop"): Promise<Tenant> {
  return createTenant({ userId: owner.id }, { name, slug: `shop-${uniqueSuffix()}`, defaultCurrency: "EUR" });
}

/** Marks the user's email address verified, as the link in the verification mail does. */
export async function verifyUserEmail(userId: string) {
  await withSystem("test-verify-email", (tx) => tx.update(users).set({ emailVerified: new Date() }).where(eq(users.id, userId)));
}

export async function addMember(tenantId: string, userId: string, role: MembershipRole) {
  await withSystem("test-add-member", (tx) => tx.insert(memberships).values({ tenantId, userId, role }));
}

export async function setTenantStatus(tenantId: string, status: TenantStatus) {
  await withSystem("test-set-status", (tx) => tx.update(tenants).set({ status }).where(eq(tenants.id, tenantId)));
}

/** A tRPC caller acting as `userId` (null: signed out). */
export function callerFor(userId: string | null) {
  return createCaller(createApiContext({ userId, requestId: `test-${uniqueSuffix()}` }));
}

/** A storefront visit row (no UTM, no product) with the given fields overridden. */
export function visitRow(over: Partial<VisitRow> = {}): VisitRow {
  return {
    path: "/s/x",
    productId: null,
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    utmTerm: null,
    utmContent: null,
    referrerHost: null,
    visitorId: "v1",
    occurredAt: new Date(),
    clientKey: null,
    ...over,
  };
}
