import { withTenant, type Tx } from "@/server/db/tenancy";
import type { MembershipRole } from "@/server/db/schema";

/** Who is acting, for authorization and the audit trail. */
export type Actor = {
  userId: string | null;
  /** Set while a platform admin impersonates `userId`. */
  impersonatorUserId?: string | null;
  requestId?: string | null;
};

/** Who acts on which shop, checked but holding no connection: for work that calls Stripe or S3 between its transactions. */
export type TenantScope = Actor & {
  tenantId: string;
  role: MembershipRole;
};

/** A tenant-scoped unit of work: `tx` runs inside withTenant(tenantId). */
export type TenantContext = TenantScope & {
  tx: Tx;
};

/** Runs `fn` in a short withTenant transaction of the scope's shop. Keep outside calls (Stripe, S3) out of `fn`. */
export function inTenant<T>(scope: TenantScope, fn: (ctx: TenantContext) => Promise<T>): Promise<T> {
  return withTenant(scope.tenantId, (tx) => fn({ ...scope, tx }));
}

const rank: Record<MembershipRole, number> = { viewer: 1, member: 2, admin: 3, owner: 4 };

export function roleAtLeast(role: MembershipRole, minimum: MembershipRole): boolean {
  return rank[role] >= rank[minimum];
}
