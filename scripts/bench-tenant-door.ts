/**
 * npm run bench:tenant-door -- --transactions 20000 — what each form of the tenant door costs.
 *
 * On a fresh migrated database (TEST_DATABASE_URL's server, else embedded PostgreSQL), one shop
 * with 50 products. Measured in turn, each as many times at the pool's concurrency:
 * - bare: the storefront's product query alone, outside any transaction (the ceiling);
 * - set_config and set_local: a transaction that sets role and tenant with
 *   tenantContextStatement (what withTenant sends) and then runs the same query under RLS.
 * Prints one JSON object: transactions per second and p99 latency per form, and each form's
 * share of the bare query's rate. A figure, not a verdict: the two forms differ by one
 * parameterised statement against one simple-protocol statement.
 */
import { parseArgs } from "node:util";
import { createRunDatabase, type RunDatabase } from "./lib/postgres";
import { percentile } from "./lib/stats";

const { values } = parseArgs({ options: { transactions: { type: "string", default: "20000" }, concurrency: { type: "string", default: "10" } } });
const TRANSACTIONS = Number(values.transactions);
const CONCURRENCY = Number(values.concurrency);
if (!Number.isInteger(TRANSACTIONS) || TRANSACTIONS < 100 || !Number.isInteger(CONCURRENCY) || CONCURRENCY < 1 || CONCURRENCY > 100) {
  console.error("usage: npm run bench:tenant-door -- --transactions N (≥ 100) --concurrency C (1-100)");
  process.exit(2);
}

async function main() {
  let runDb: RunDatabase | undefined;
  try {
    runDb = await createRunDatabase(`souk_bench_door_${process.pid}`);
    // The app's modules read their configuration when imported: set it first.
    Object.assign(process.env, {
      DATABASE_URL: runDb.url,
      DATABASE_POOL_SIZE: String(CONCURRENCY),
      LOG_LEVEL: "warn",
      AUTH_SECRET: "bench-secret-that-is-long-enough-for-auth-js",
    });
    const { sql } = await import("drizzle-orm");
    const { db, closeDb } = await import("../server/db/client");
    const { tenantContextStatement } = await import("../server/db/tenancy");

    const [shop] = await db.execute<{ id: string }>(sql`insert into tenants (slug, name, status) values ('bench-door', 'Bench door', 'active') returning id::text as id`);
    const tenantId = shop!.id;
    await db.execute(sql`
      insert into products (tenant_id, slug, name, price, status, position)
      select ${tenantId}::uuid, 'p-' || g, 'Product ' || g, 10, 'published', g from generate_series(1, 50) g`);
    const query = sql`select id, name, price from products where tenant_id = ${tenantId}::uuid and status = 'published' order by position limit 20`;

    const forms: Record<string, () => Promise<unknown>> = {
      bare: () => db.execute(query),
      set_config: () => db.transaction(async (tx) => {
        await tx.execute(tenantContextStatement(tenantId, "set_config"));
        return tx.execute(query);
      }),
      set_local: () => db.transaction(async (tx) => {
        await tx.execute(tenantContextStatement(tenantId, "set_local"));
        return tx.execute(query);
      }),
    };

    const measure = async (run: () => Promise<unknown>, count = TRANSACTIONS) => {
      const latencies: number[] = [];
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next++ < count) {
            const t = performance.now();
            await run();
            latencies.push(performance.now() - t);
          }
        }),
      );
      return { seconds: (performance.now() - started) / 1000, latencies };
    };

    // Interleaved in rounds, so a change in the machine's load touches every form alike.
    const ROUNDS = 5;
    const rounds: Record<string, { seconds: number; latencies: number[] }> = {};
    for (const run of Object.values(forms)) await measure(run, Math.ceil(TRANSACTIONS / 10)); // warm-up, not counted
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run] of Object.entries(forms)) {
        const r = await measure(run, Math.ceil(TRANSACTIONS / ROUNDS));
        const total = (rounds[name] ??= { seconds: 0, latencies: [] });
        total.seconds += r.seconds;
        total.latencies.push(...r.latencies);
      }
    }
    const results: Record<string, { per_s: number; p99_ms: number; of_bare?: number }> = {};
    for (const [name, r] of Object.entries(rounds)) {
      r.latencies.sort((a, b) => a - b);
      results[name] = { per_s: Math.round(r.latencies.length / r.seconds), p99_ms: Number(percentile(r.latencies, 99).toFixed(2)) };
      process.stderr.write(`[bench] ${name}: ${results[name].per_s}/s\n`);
    }
    for (const name of ["set_config", "set_local"]) results[name]!.of_bare = Number((results[name]!.per_s / results.bare!.per_s).toFixed(2));
    console.log(JSON.stringify({ transactions: TRANSACTIONS, concurrency: CONCURRENCY, ...results }, null, 2));
    await closeDb();
  } finally {
    await runDb?.dispose();
  }
}

await main();
