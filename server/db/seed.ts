import { eq } from "drizzle-orm";
import { hashPassword } from "@/server/domain/passwords";
import { memberships, tenants, users } from "./schema";
import { withSystem } from "./tenancy";

export const DEMO_OWNER = { email: "owner@demo.souk.local", password: "souk-demo-password", name: "Demo Owner" };
export const DEMO_SHOP = { slug: "demo-shop", name: "Demo Shop" };

/** Seeds the demo shop and its owner. Idempotent: a second run changes nothing. */
export async function seedDemo(): Promise<void> {
  const passwordHash = await hashPassword(DEMO_OWNER.password);
  await withSystem("seed", async (tx) => {
    await tx
      .insert(users)
      .values({ email: DEMO_OWNER.email, name: DEMO_OWNER.name, passwordHash, emailVerified: new Date() })
      .onConflictDoNothing();
    await tx.insert(tenants).values({ ...DEMO_SHOP, status: "active", defaultCurrency: "EUR" }).onConflictDoNothing();
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, DEMO_OWNER.email));
    const [tenant] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, DEMO_SHOP.slug));
    if (!user || !tenant) throw new Error("demo seed rows missing");
    await tx.insert(memberships).values({ tenantId: tenant.id, userId: user.id, role: "owner" }).onConflictDoNothing();
  });
}
