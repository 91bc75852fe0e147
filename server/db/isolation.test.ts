import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { makeTenant, makeUser } from "@/test/factories";
import { createTenantFixtures } from "@/test/tenant-fixtures";
import { db } from "./client";
import type { Tenant } from "./schema";
import { withSystem, withTenant } from "./tenancy";

/**
 * Tenant isolation, proven by PostgreSQL itself. The tables under test are read
 * from the catalog (every table with a tenant_id column, plus tenants keyed by
 * id), so a table added later is covered without editing this file.
 */
type TenantTable = { name: string; key: "tenant_id" | "id"; rls: boolean; forced: boolean };

async function tenantTables(): Promise<TenantTable[]> {
  const rows = await db.execute<{ name: string; rls: boolean; forced: boolean }>(sql`
    select c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
    order by 1`);
  const tenantsRow = await db.execute<{ rls: boolean; forced: boolean }>(
    sql`select relrowsecurity as rls, relforcerowsecurity as forced from pg_class where oid = 'public.tenants'::regclass`,
  );
  return [
    ...rows.map((r) => ({ ...r, key: "tenant_id" as const })),
    { name: "tenants", key: "id" as const, rls: tenantsRow[0]!.rls, forced: tenantsRow[0]!.forced },
  ];
}

/** Runs `statement` in withTenant(tenantId); returns affected rows, or the SQLSTATE it failed with. */
async function attempt(tenantId: string, statement: ReturnType<typeof sql>): Promise<{ rows: number } | { code: string }> {
  try {
    const result = await withTenant(tenantId, (tx) => tx.execute(statement));
    return { rows: result.count ?? result.length };
  } catch (error) {
    const code = (error as { cause?: { code?: string }; code?: string }).cause?.code ?? (error as { code?: string }).code;
    return { code: code ?? String(error) };
  }
}

/** A refused write: zero rows touched, or insufficient_privilege (RLS violation or missing grant). */
function expectRefused(outcome: { rows: number } | { code: string }) {
  if ("code" in outcome) expect(outcome.code).toBe("42501");
  else expect(outcome.rows).toBe(0);
}

describe("tenant isolation (row-level security)", () => {
  let a: Tenant;
  let b: Tenant;
  let tables: TenantTable[];

  beforeAll(async () => {
    const ownerA = await makeUser("Owner A");
    const ownerB = await makeUser("Owner B");
    a = await makeTenant(ownerA, "Shop A");
    b = await makeTenant(ownerB, "Shop B");
    await createTenantFixtures(a, ownerA);
    await createTenantFixtures(b, ownerB);
    tables = await tenantTables();
  });

  it("finds the tenant tables", () => {
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["tenants", "memberships", "audit_log"]));
  });

  it("has RLS enabled and forced on every tenant table", () => {
    for (const t of tables) {
      expect({ table: t.name, rls: t.rls, forced: t.forced }).toEqual({ table: t.name, rls: true, forced: true });
    }
  });

  it("has fixture rows for both tenants in every tenant table (add one in test/tenant-fixtures.ts)", async () => {
    for (const t of tables) {
      for (const tenant of [a, b]) {
        const [row] = await withSystem("test", (tx) =>
          tx.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(t.name)} where ${sql.identifier(t.key)} = ${tenant.id}`),
        );
        expect({ table: t.name, tenant: tenant.name, hasRows: row!.n > 0 }).toEqual({ table: t.name, tenant: tenant.name, hasRows: true });
      }
    }
  });

  it("shows tenant A only its own rows, and none of B's", async () => {
    for (const t of tables) {
      const [counts] = await withTenant(a.id, (tx) =>
        tx.execute<{ mine: number; other: number; total: number }>(sql`
          select count(*) filter (where ${sql.identifier(t.key)} = ${a.id})::int as mine,
                 count(*) filter (where ${sql.identifier(t.key)} = ${b.id})::int as other,
                 count(*)::int as total
          from ${sql.identifier(t.name)}`),
      );
      expect({ table: t.name, other: counts!.other, onlyMine: counts!.total === counts!.mine && counts!.mine > 0 }).toEqual({
        table: t.name,
        other: 0,
        onlyMine: true,
      });
    }
  });

  it("refuses to update or delete B's rows from inside A", async () => {
    for (const t of tables) {
      const key = sql.identifier(t.key);
      const table = sql.identifier(t.name);
      expectRefused(await attempt(a.id, sql`update ${table} set ${key} = ${key} where ${key} = ${b.id}`));
      expectRefused(await attempt(a.id, sql`delete from ${table} where ${key} = ${b.id}`));
    }
  });

  it("refuses to move A's rows into B", async () => {
    for (const t of tables) {
      const key = sql.identifier(t.key);
      const outcome = await attempt(a.id, sql`update ${sql.identifier(t.name)} set ${key} = ${b.id} where ${key} = ${a.id}`);
      expect({ table: t.name, outcome }).toEqual({ table: t.name, outcome: { code: "42501" } });
    }
  });

  it("refuses to insert rows for B from inside A", async () => {
    for (const t of tables) {
      // Copy one of B's real rows (minus generated columns) and try to insert it as tenant A.
      const columns = await withSystem("test", (tx) =>
        tx.execute<{ column_name: string }>(sql`
          select column_name from information_schema.columns
          where table_schema = 'public' and table_name = ${t.name} and is_identity = 'NO' and is_generated = 'NEVER'
          order by ordinal_position`),
      );
      const list = sql.join(columns.map((c) => sql.identifier(c.column_name)), sql`, `);
      const [sample] = await withSystem("test", (tx) =>
        tx.execute<{ row: Record<string, unknown> }>(
          sql`select to_jsonb(x) as row from ${sql.identifier(t.name)} x where ${sql.identifier(t.key)} = ${b.id} limit 1`,
        ),
      );
      const outcome = await attempt(
        a.id,
        sql`insert into ${sql.identifier(t.name)} (${list})
            select ${list} from jsonb_populate_record(null::${sql.identifier(t.name)}, ${JSON.stringify(sample!.row)}::jsonb)`,
      );
      expect({ table: t.name, outcome }).toEqual({ table: t.name, outcome: { code: "42501" } });
    }
  });

  it("shows no tenant rows at all when no tenant is set", async () => {
    for (const t of tables) {
      const [row] = await db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('role', 'souk_tenant', true)`);
        return tx.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(t.name)}`);
      });
      expect({ table: t.name, visible: row!.n }).toEqual({ table: t.name, visible: 0 });
    }
  });

  it("limits the tenant role to tenant tables and the public profile of fellow members", async () => {
    const grants = await db.execute<{ table_name: string }>(sql`
      select distinct table_name from information_schema.role_table_grants
      where grantee = 'souk_tenant' and table_schema = 'public'`);
    const tenantTableNames = new Set(tables.map((t) => t.name));
    const others = grants.map((g) => g.table_name).filter((name) => !tenantTableNames.has(name));
    // plans: the global, public plan catalog, read-only (limits are checked inside the tenant's transaction).
    // closed_usage_periods: which months are billed, read-only (recording usage checks it).
    expect(others.sort()).toEqual(["closed_usage_periods", "plans"]);
    const columnGrants = await db.execute<{ table_name: string }>(sql`
      select distinct table_name from information_schema.column_privileges
      where grantee = 'souk_tenant' and table_schema = 'public'`);
    expect(columnGrants.map((g) => g.table_name).filter((name) => !tenantTableNames.has(name)).sort()).toEqual(["closed_usage_periods", "plans", "users"]);
    const visibleUsers = await withTenant(a.id, (tx) => tx.execute<{ n: number }>(sql`select count(*)::int as n from users`));
    expect(visibleUsers[0]!.n).toBe(1); // only A's owner
    const secrets = await attempt(a.id, sql`select password_hash from users`);
    expect(secrets).toEqual({ code: "42501" });
  });

  it("lets the tenant role read memberships, change roles and remove members of its own shop, but never add one", async () => {
    const privileges = await db.execute<{ privilege_type: string }>(sql`
      select privilege_type from information_schema.role_table_grants
      where grantee = 'souk_tenant' and table_schema = 'public' and table_name = 'memberships'`);
    expect(privileges.map((p) => p.privilege_type).sort()).toEqual(["DELETE", "SELECT"]);
    const columns = await db.execute<{ column_name: string }>(sql`
      select column_name from information_schema.column_privileges
      where grantee = 'souk_tenant' and table_schema = 'public' and table_name = 'memberships' and privilege_type = 'UPDATE'`);
    expect(columns.map((c) => c.column_name).sort()).toEqual(["role", "updated_at"]);
    // Memberships are created with the shop or by accepting an invitation, both through the system door.
    const [sample] = await db.execute<{ user_id: string }>(sql`select user_id from memberships where tenant_id = ${b.id} limit 1`);
    expect(await attempt(a.id, sql`insert into memberships (tenant_id, user_id, role) values (${a.id}, ${sample!.user_id}, 'owner')`)).toEqual({ code: "42501" });
    expect(await attempt(a.id, sql`update memberships set user_id = ${sample!.user_id} where tenant_id = ${a.id}`)).toEqual({ code: "42501" });
    expectRefused(await attempt(a.id, sql`update memberships set role = 'viewer' where tenant_id = ${b.id}`));
    expectRefused(await attempt(a.id, sql`delete from memberships where tenant_id = ${b.id}`));
    const members = await withTenant(a.id, (tx) => tx.execute<{ n: number }>(sql`select count(*)::int as n from memberships`));
    expect(members[0]!.n).toBeGreaterThan(0);
  });

  it("lets the tenant role manage its own invitations but never delete one or mark it accepted", async () => {
    const privileges = await db.execute<{ privilege_type: string }>(sql`
      select privilege_type from information_schema.role_table_grants
      where grantee = 'souk_tenant' and table_schema = 'public' and table_name = 'team_invitations'`);
    expect(privileges.map((p) => p.privilege_type).sort()).toEqual(["INSERT", "SELECT"]);
    expect(await attempt(a.id, sql`delete from team_invitations where tenant_id = ${a.id}`)).toEqual({ code: "42501" });
    expect(await attempt(a.id, sql`update team_invitations set accepted_at = now() where tenant_id = ${a.id}`)).toEqual({ code: "42501" });
    expect(await attempt(a.id, sql`update team_invitations set email = 'someone@else.test' where tenant_id = ${a.id}`)).toEqual({ code: "42501" });
    expect(await attempt(a.id, sql`update team_invitations set revoked_at = now() where tenant_id = ${b.id}`)).toEqual({ rows: 0 });
    const [own] = await withTenant(a.id, (tx) => tx.execute<{ n: number }>(sql`select count(*)::int as n from team_invitations`));
    expect(own!.n).toBeGreaterThan(0);
  });
});
