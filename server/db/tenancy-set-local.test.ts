import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { makeTenant, makeUser } from "@/test/factories";
import { createTenantFixtures } from "@/test/tenant-fixtures";
import { db } from "./client";
import type { Tenant } from "./schema";
import { tenantContextStatement, withSystem, withTenant } from "./tenancy";

/**
 * The tenant door in its Citus form (TENANT_CONTEXT_MODE=set_local) on plain PostgreSQL: the whole
 * isolation suite again, then what a pool adds: one connection (DATABASE_POOL_SIZE=1) serves every
 * transaction in turn, and none of them inherits the previous one's role or tenant.
 */
vi.hoisted(() => {
  process.env.TENANT_CONTEXT_MODE = "set_local";
  process.env.DATABASE_POOL_SIZE = "1";
});

// The same suite as the default mode, run against this file's door.
await import("./isolation.test");

type Context = { user: string; tenant: string | null; pid: number };
const context = sql`select current_user as "user", current_setting('app.tenant_id', true) as "tenant", pg_backend_pid() as "pid"`;

describe("withTenant with SET LOCAL (TENANT_CONTEXT_MODE=set_local)", () => {
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    const ownerA = await makeUser("Set Local Owner A");
    const ownerB = await makeUser("Set Local Owner B");
    a = await makeTenant(ownerA, "Set Local A");
    b = await makeTenant(ownerB, "Set Local B");
    await createTenantFixtures(a, ownerA);
    await createTenantFixtures(b, ownerB);
  });

  it("sends SET LOCAL, not set_config", () => {
    expect(tenantContextStatement(a.id)).toEqual(sql.raw(`set local role souk_tenant; set local app.tenant_id = '${a.id}'`));
  });

  it("runs as the tenant role with the tenant set, and leaves nothing behind on the pooled connection", async () => {
    const [inside] = await withTenant(a.id, (tx) => tx.execute<Context>(context));
    expect(inside).toMatchObject({ user: "souk_tenant", tenant: a.id });
    const [after] = await withSystem("test", (tx) => tx.execute<Context>(context));
    expect(after!.pid).toBe(inside!.pid); // the same connection
    expect(after!.user).not.toBe("souk_tenant");
    expect(after!.tenant || null).toBeNull();
    const [outside] = await db.execute<Context>(context);
    expect({ pid: outside!.pid, user: outside!.user, tenant: outside!.tenant || null }).toEqual({ pid: inside!.pid, user: after!.user, tenant: null });
  });

  it("leaves nothing behind after a transaction that failed", async () => {
    await expect(
      withTenant(a.id, async (tx) => {
        await tx.execute(sql`select 1`);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const [after] = await db.execute<Context>(context);
    expect({ user: after!.user === "souk_tenant", tenant: after!.tenant || null }).toEqual({ user: false, tenant: null });
  });

  it("gives consecutive transactions on one connection each their own tenant", async () => {
    const seen: { tenant: string; products: string[]; pid: number }[] = [];
    for (const tenant of [a, b, a, b]) {
      seen.push(
        await withTenant(tenant.id, async (tx) => {
          const rows = await tx.execute<{ tenant_id: string }>(sql`select distinct tenant_id from products`);
          const [ctx] = await tx.execute<Context>(context);
          return { tenant: tenant.id, products: rows.map((r) => r.tenant_id), pid: ctx!.pid };
        }),
      );
    }
    expect(seen.map((s) => s.products)).toEqual([[a.id], [b.id], [a.id], [b.id]]);
    expect(new Set(seen.map((s) => s.pid)).size).toBe(1);
  });

  it("refuses a tenant id that is not a uuid before sending anything", async () => {
    const before = await withSystem("test", (tx) => tx.execute<{ n: number }>(sql`select count(*)::int as n from products`));
    await expect(withTenant("x'; reset role; select '", (tx) => tx.execute(sql`delete from products where true`))).rejects.toThrow(TypeError);
    const after = await withSystem("test", (tx) => tx.execute<{ n: number }>(sql`select count(*)::int as n from products`));
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});
