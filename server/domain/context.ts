import type { Tx } from "@/server/db/tenancy";
import type { MembershipRole } from "@/server/db/schema";

/** Who is acting, for authorization and the audit trail. */
export type Actor = {
  userId: string | null;
  /** Set while a platform admin impersonates `userId`. */
  impersonatorUserId?: string | null;
  requestId?: string | null;
};

/** A tenant-scoped unit of work: `tx` runs inside withTenant(tenantId). */
export type TenantContext = Actor & {
  tx: Tx;
  tenantId: string;
  role: MembershipRole;
};

const rank: Record<MembershipRole, number> = { viewer: 1, member: 2, admin: 3, owner: 4 };

export function roleAtLeast(role: MembershipRole, minimum: MembershipRole): boolean {
  return rank[role] >= rank[minimum];
}
