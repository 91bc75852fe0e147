import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, type Tx } from "./client";

/**
 * The schema stays distributable by tenant on Citus (docs/scaling.md), proven from the catalog of
 * the migrated database, so a table added on any branch is checked without editing this file.
 *
 * A tenant table (one with a tenant_id column and row-level security forced) becomes a distributed
 * table with tenant_id as its distribution column. Citus then needs, per table:
 * 1. tenant_id in the primary key (the house rule: first) and in every unique constraint or
 *    unique index, since a shard can only enforce uniqueness among its own rows;
 * 2. every foreign key to another tenant table pairs tenant_id with tenant_id, so both rows live
 *    on the same shard (co-location);
 * 3. foreign keys to global tables only if those are reference tables (copied to every node).
 * Every other table is global and named below with where it goes on Citus and why; a table that
 * is neither fails, so a new global table is a decision someone wrote down.
 */
type Placement = "reference" | "coordinator";

const GLOBAL_TABLES: Record<string, { placement: Placement; reason: string }> = {
  tenants: {
    placement: "reference",
    reason: "one row per shop; read by slug or host before a tenant is known; the target of every tenant table's tenant_id foreign key",
  },
  users: {
    placement: "reference",
    reason: "one person, many shops (email unique platform-wide); memberships reference it and member lists join it",
  },
  plans: { placement: "reference", reason: "a handful of rows seeded by migration; priced against every tenant's usage" },
  closed_usage_periods: {
    placement: "reference",
    reason: "one row per closed month; ingestion's insert into usage_events reads it in the same statement",
  },
  accounts: { placement: "coordinator", reason: "Auth.js OAuth links of a user; read at sign-in only, never with shop data" },
  sessions: { placement: "coordinator", reason: "required by the Auth.js adapter (sessions are JWT cookies); stays empty" },
  verification_tokens: { placement: "coordinator", reason: "required by the Auth.js adapter; sign-in only" },
  auth_tokens: { placement: "coordinator", reason: "email verification and reset links of a user; sign-in only" },
  sign_in_throttle: {
    placement: "coordinator",
    reason: "attempt counters per email or address, written on every sign-in attempt: replicating each write to every node would cost more than it serves",
  },
  api_keys: {
    placement: "coordinator",
    reason: "platform service keys have no shop (tenant_id null) and a key is found by its hash before its shop is known; a few rows per shop, never joined with shop data",
  },
  audit_log: {
    placement: "coordinator",
    reason: "platform actions have no shop (tenant_id null) and the trail outlives a purged shop; append-only, read a page at a time, never joined with shop data",
  },
  stripe_events: {
    placement: "coordinator",
    reason: "the webhook log, keyed by Stripe's event id before the shop is resolved; written and read by the workers on the coordinator",
  },
  billing_runs: { placement: "coordinator", reason: "one row per billing run attempt, platform admins only" },
  captured_mails: { placement: "coordinator", reason: "the development mailbox; empty when SMTP is configured" },
  rate_limits: {
    placement: "coordinator",
    reason: "request counters per API key or client address (unlogged), written on every limited request; Redis takes them off the database at scale",
  },
  worker_heartbeats: { placement: "coordinator", reason: "one row per running job worker, beside graphile-worker's own schema on the coordinator" },
};

type Table = { name: string; hasTenantId: boolean; tenantIdNotNull: boolean; tenantIdType: string | null; rlsForced: boolean };
type Key = { table: string; name: string; kind: "primary" | "unique"; columns: (string | null)[] };
type ForeignKey = { table: string; name: string; target: string; pairs: [string, string][] };
type Identity = { table: string; column: string; type: string };
type Catalog = { tables: Table[]; keys: Key[]; foreignKeys: ForeignKey[]; identities: Identity[] };

async function readCatalog(tx: Pick<Tx, "execute">): Promise<Catalog> {
  // Partitions are left out: they inherit their parent's keys, and Citus distributes the parent.
  const tables = await tx.execute<Table>(sql`
    select c.relname as "name", a.attnum is not null as "hasTenantId", coalesce(a.attnotnull, false) as "tenantIdNotNull",
      format_type(a.atttypid, a.atttypmod) as "tenantIdType", c.relrowsecurity and c.relforcerowsecurity as "rlsForced"
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
    order by 1`);
  // Unique indexes, whether or not a constraint owns them (drizzle's uniqueIndex() creates none).
  // An expression column reads as null.
  const keys = await tx.execute<Key>(sql`
    select c.relname as "table", i.relname as "name", case when x.indisprimary then 'primary' else 'unique' end as "kind",
      array(select a.attname::text from unnest(x.indkey) with ordinality k(attnum, ord)
            left join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum order by k.ord) as "columns"
    from pg_index x
    join pg_class c on c.oid = x.indrelid
    join pg_class i on i.oid = x.indexrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and x.indisunique and c.relkind in ('r', 'p') and not c.relispartition
    order by 1, 2`);
  const foreignKeys = await tx.execute<ForeignKey>(sql`
    select c.relname as "table", k.conname as "name", t.relname as "target",
      array(select json_build_array(a.attname, b.attname) from unnest(k.conkey, k.confkey) p(src, dst)
            join pg_attribute a on a.attrelid = k.conrelid and a.attnum = p.src
            join pg_attribute b on b.attrelid = k.confrelid and b.attnum = p.dst) as "pairs"
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_class t on t.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and k.contype = 'f' and k.conparentid = 0 and not c.relispartition
    order by 1, 2`);
  const identities = await tx.execute<Identity>(sql`
    select c.relname as "table", a.attname as "column", format_type(a.atttypid, a.atttypmod) as "type"
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and a.attidentity <> '' and c.relkind in ('r', 'p') and not c.relispartition
    order by 1, 2`);
  return { tables: [...tables], keys: [...keys], foreignKeys: [...foreignKeys], identities: [...identities] };
}

// Citus accepts these foreign keys: distributed → distributed (co-located) or reference;
// reference → reference only; a coordinator (local) table → reference or coordinator.
const ALLOWED_TARGETS: Record<string, string[]> = {
  distributed: ["distributed", "reference"],
  reference: ["reference"],
  coordinator: ["reference", "coordinator"],
};

/** What keeps `catalog` from being distributed by tenant, rule by rule: all empty when it can be. */
function violations({ tables, keys, foreignKeys, identities }: Catalog) {
  const isTenantTable = (t: Table) => t.hasTenantId && t.rlsForced && !(t.name in GLOBAL_TABLES);
  const tenantTables = tables.filter(isTenantTable);
  const placement = (name: string): string =>
    GLOBAL_TABLES[name]?.placement ?? (tenantTables.some((t) => t.name === name) ? "distributed" : "unknown");
  const primaryKeys = new Map(keys.filter((k) => k.kind === "primary").map((k) => [k.table, k.columns]));
  return {
    tenantTables: tenantTables.map((t) => t.name),
    unknownTables: tables
      .filter((t) => !isTenantTable(t) && !(t.name in GLOBAL_TABLES))
      .map((t) => ({ table: t.name, problem: t.hasTenantId ? "tenant_id but row-level security not forced" : "no tenant_id and not listed as global" })),
    staleGlobalEntries: Object.keys(GLOBAL_TABLES).filter((name) => !tables.some((t) => t.name === name)),
    // One distribution column type, so every tenant table is co-located with every other.
    badTenantIdColumn: tenantTables.filter((t) => !t.tenantIdNotNull || t.tenantIdType !== "uuid").map((t) => t.name),
    primaryKeyNotLedByTenantId: tenantTables
      .map((t) => ({ table: t.name, primaryKey: primaryKeys.get(t.name) ?? null }))
      .filter((t) => t.primaryKey?.[0] !== "tenant_id"),
    uniqueWithoutTenantId: keys.filter((k) => placement(k.table) === "distributed" && !k.columns.includes("tenant_id")).map((k) => k.name),
    foreignKeysNotCoLocated: foreignKeys
      .filter((f) => placement(f.table) === "distributed" && placement(f.target) === "distributed")
      .filter((f) => !f.pairs.some(([from, to]) => from === "tenant_id" && to === "tenant_id"))
      .map((f) => f.name),
    // Citus hands each node its own range of an identity column's values, which needs a bigint.
    smallIdentityColumns: identities.filter((i) => placement(i.table) === "distributed" && i.type !== "bigint").map((i) => `${i.table}.${i.column}`),
    foreignKeysCitusRefuses: foreignKeys
      .filter((f) => !ALLOWED_TARGETS[placement(f.table)]?.includes(placement(f.target)))
      .map((f) => `${f.name}: ${f.table} (${placement(f.table)}) → ${f.target} (${placement(f.target)})`),
  };
}

const NONE = {
  unknownTables: [],
  staleGlobalEntries: [],
  badTenantIdColumn: [],
  primaryKeyNotLedByTenantId: [],
  uniqueWithoutTenantId: [],
  foreignKeysNotCoLocated: [],
  smallIdentityColumns: [],
  foreignKeysCitusRefuses: [],
};

describe("a schema Citus can distribute by tenant", () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = await readCatalog(db);
  });

  it("finds the tenant tables and the foreign keys between them", () => {
    expect(violations(catalog).tenantTables).toEqual(
      expect.arrayContaining(["memberships", "products", "media_assets", "usage_events", "usage_statements", "meter_event_reports"]),
    );
    expect(catalog.foreignKeys.some((f) => f.name === "media_assets_product_fk")).toBe(true);
  });

  it("has tenant_id leading every primary key, in every unique key and in every foreign key between tenant tables", () => {
    const { tenantTables, ...problems } = violations(catalog);
    expect(tenantTables.length).toBeGreaterThan(10);
    expect(problems).toEqual(NONE);
  });

  it("reports each kind of table Citus could not distribute", async () => {
    const rollback = new Error("rollback");
    let found: ReturnType<typeof violations> | undefined;
    await db
      .transaction(async (tx) => {
        await tx.execute(sql.raw(`
          create table bad_parents (tenant_id uuid not null, id uuid primary key, slug text unique);
          alter table bad_parents enable row level security, force row level security;
          create table bad_children (tenant_id uuid not null, id uuid, parent_id uuid references bad_parents (id), primary key (tenant_id, id));
          alter table bad_children enable row level security, force row level security;
          create unique index bad_children_lower_key on bad_children (lower(id::text));
          create table bad_unforced (tenant_id uuid not null primary key);
          alter table bad_children add column seq int generated always as identity;
          create table bad_global (id uuid primary key, child_tenant uuid, child_id uuid, foreign key (child_tenant, child_id) references bad_children (tenant_id, id));`));
        found = violations(await readCatalog(tx));
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
    expect(found).toMatchObject({
      unknownTables: [
        { table: "bad_global", problem: "no tenant_id and not listed as global" },
        { table: "bad_unforced", problem: "tenant_id but row-level security not forced" },
      ],
      primaryKeyNotLedByTenantId: [{ table: "bad_parents", primaryKey: ["id"] }],
      uniqueWithoutTenantId: ["bad_children_lower_key", "bad_parents_pkey", "bad_parents_slug_key"],
      foreignKeysNotCoLocated: ["bad_children_parent_id_fkey"],
      smallIdentityColumns: ["bad_children.seq"],
      foreignKeysCitusRefuses: ["bad_global_child_tenant_child_id_fkey: bad_global (unknown) → bad_children (distributed)"],
    });
  });
});
