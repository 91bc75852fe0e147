/**
 * npm run bench:scale — requests/s and p99 with one and with two `next start` instances.
 *
 * One shop with BENCH_PRODUCTS (default 1,000) products and a shop key, on a fresh database
 * (TEST_DATABASE_URL's server when set, else an embedded one). For one instance, then two (on
 * two ports, the load split evenly between them as a round-robin balancer would), each workload
 * runs over BENCH_CONNECTIONS (default 32) connections for BENCH_WARMUP_SECONDS (3, discarded)
 * plus BENCH_SECONDS (10, measured):
 * - a storefront product page (Next's cache; the page a shopper opens);
 * - a tRPC read with the shop key (catalog.listProducts: key check, tenant door, query);
 * - usage ingestion, batches of BENCH_BATCH (100) events with fresh idempotency keys.
 * The ceiling, measured in the same run: a plain node:http server answering the storefront
 * page's bytes from memory, with one and two processes. Prints JSON (stdout) and a table.
 * `next build` first unless BENCH_SKIP_BUILD=1. With METRICS_TOKEN and BENCH_METRICS_OUT=FILE set,
 * the single instance's Prometheus metrics after its load are written to FILE.
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type autocannon from "autocannon";
import { createRunDatabase, type RunDatabase } from "./lib/postgres";
import { freePort, waitForHttp } from "./lib/ports";
import { loadAfterWarmup, type LoadResult } from "./lib/load";
import { startLocalS3, type LocalS3 } from "./lib/s3rver-local";
import { buildNext, localProductionEnv, runMain, startNext, stopChildren } from "./lib/processes";

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 1_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const SLUG = "scale-shop";

type Target = { url: string; method?: "GET" | "POST"; headers?: Record<string, string>; body?: () => string };

const log = (m: string) => process.stderr.write(`[bench:scale] ${m}\n`);

/** One autocannon per instance, all at once, the connections split between them. */
function load(targets: Target[]): Promise<LoadResult> {
  return loadAfterWarmup(
    targets.map(
      (t): autocannon.Options => ({
        url: t.url,
        method: t.method ?? "GET",
        headers: t.headers,
        connections: Math.max(1, Math.round(CONNECTIONS / targets.length)),
        requests: t.body ? [{ setupRequest: (req) => ({ ...req, body: t.body!() }) }] : undefined,
      }),
    ),
    { warmupSeconds: WARMUP_SECONDS, seconds: SECONDS },
  );
}

// stdout is the JSON report: the children's output goes nowhere, their errors to stderr.
const quiet: StdioOptions = ["ignore", "ignore", "inherit"];

/** A plain node:http server answering `body` from memory: what one process can do at most here. */
const staticServer = `
const http = require("node:http");
const body = Buffer.from(process.env.BODY_B64, "base64");
http.createServer((req, res) => { res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": body.length }); res.end(body); })
  .listen(Number(process.env.PORT), "127.0.0.1");
`;

async function main(): Promise<number> {
  let runDb: RunDatabase | undefined;
  let s3: LocalS3 | undefined;
  let s3Dir: string | undefined;
  const children: ChildProcess[] = [];
  try {
    runDb = await createRunDatabase(`souk_bench_scale_${process.pid}`);
    s3Dir = mkdtempSync(path.join(os.tmpdir(), "souk-bench-scale-s3-"));
    s3 = await startLocalS3({ directory: s3Dir, port: await freePort(), bucket: "souk-bench-scale" });
    const ports = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      ...localProductionEnv({ databaseUrl: runDb.url, appUrl: `http://127.0.0.1:${ports[0]}`, authSecret: process.env.AUTH_SECRET ?? "bench-secret-that-is-long-enough-for-auth-js", logLevel: "warn" }),
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
    };
    Object.assign(process.env, env);
    const key = await seed();

    if (process.env.BENCH_SKIP_BUILD !== "1") {
      log("next build…");
      const code = await buildNext(env, quiet);
      if (code !== 0) return code;
    }

    const page = `/s/${SLUG}/p/product-7`;
    const auth = { authorization: `Bearer ${key}` };
    const listPath = `/api/trpc/catalog.listProducts?input=${encodeURIComponent(JSON.stringify({ json: { tenantSlug: SLUG, limit: 20 } }))}`;
    let seq = 0;
    const batch = () =>
      JSON.stringify({
        events: Array.from({ length: BATCH }, () => ({ idempotencyKey: `scale-${process.pid}-${seq++}`, metric: "storefront_visits", quantity: "1", occurredAt: new Date().toISOString() })),
      });

    const rows: { workload: string; instances: number; rps: number; eventsPerS?: number; p50Ms: number; p99Ms: number; non2xx: number; errors: number }[] = [];
    let pageBytes = "";
    for (const instances of [1, 2]) {
      const servers = ports.slice(0, instances).map((port) => startNext(port, { ...env, PORT: String(port) }, { stdio: quiet }));
      children.push(...servers);
      for (const port of ports.slice(0, instances)) await waitForHttp(`http://127.0.0.1:${port}/api/health`, 120_000);
      const bases = ports.slice(0, instances).map((p) => `http://127.0.0.1:${p}`);
      // Each instance renders and caches the page once, as it would after its first visitor.
      for (const base of bases) {
        const res = await fetch(base + page);
        if (!res.ok) throw new Error(`${page} answered ${res.status}`);
        pageBytes = await res.text();
        const check = await fetch(base + listPath, { headers: auth });
        if (!check.ok) throw new Error(`listProducts answered ${check.status}: ${await check.text()}`);
        await check.arrayBuffer();
      }
      for (const [workload, targets] of [
        ["storefront page", bases.map((b) => ({ url: b + page }))],
        ["tRPC read (shop key)", bases.map((b) => ({ url: b + listPath, headers: auth }))],
        [`ingestion (${BATCH}-event batches)`, bases.map((b) => ({ url: `${b}/api/v1/usage`, method: "POST" as const, headers: { ...auth, "content-type": "application/json" }, body: batch }))],
      ] as [string, Target[]][]) {
        log(`${workload}, ${instances} instance(s)…`);
        const r = await load(targets);
        rows.push({ workload, instances, rps: Math.round(r.rps), ...(workload.startsWith("ingestion") ? { eventsPerS: Math.round(r.rps * BATCH) } : {}), p50Ms: Number(r.p50.toFixed(1)), p99Ms: Number(r.p99.toFixed(1)), non2xx: r.non2xx, errors: r.errors });
      }
      if (process.env.METRICS_TOKEN && process.env.BENCH_METRICS_OUT && instances === 1) {
        // What Prometheus would scrape from the instance after the load (docs/observability.md).
        const res = await fetch(`${bases[0]}/api/metrics`, { headers: { authorization: `Bearer ${process.env.METRICS_TOKEN}` } });
        writeFileSync(process.env.BENCH_METRICS_OUT, await res.text());
        log(`metrics of instance 1 after the load written to ${process.env.BENCH_METRICS_OUT}`);
      }
      await stopChildren(servers);
    }

    // The ceiling: the same page's bytes from a plain node:http server, one and two processes.
    const ceiling: Record<number, number> = {};
    for (const instances of [1, 2]) {
      const servers = ports
        .slice(0, instances)
        .map((port) => spawn(process.execPath, ["-e", staticServer], { env: { ...process.env, PORT: String(port), BODY_B64: Buffer.from(pageBytes).toString("base64") }, stdio: quiet }));
      children.push(...servers);
      for (const port of ports.slice(0, instances)) await waitForHttp(`http://127.0.0.1:${port}/`, 10_000);
      log(`static ceiling, ${instances} process(es)…`);
      ceiling[instances] = Math.round((await load(ports.slice(0, instances).map((p) => ({ url: `http://127.0.0.1:${p}/` })))).rps);
      await stopChildren(servers);
    }

    const withRatios = rows.map((r) => ({ ...r, ratioToStaticCeiling: Number((r.rps / ceiling[r.instances]!).toFixed(3)) }));
    const scaling = Object.fromEntries(
      [...new Set(rows.map((r) => r.workload))].map((w) => {
        const one = rows.find((r) => r.workload === w && r.instances === 1)!;
        const two = rows.find((r) => r.workload === w && r.instances === 2)!;
        return [w, Number((two.rps / one.rps).toFixed(2))];
      }),
    );
    const report = { cpus: os.cpus().length, connections: CONNECTIONS, seconds: SECONDS, products: PRODUCTS, staticCeilingRps: ceiling, rows: withRatios, twoInstancesOverOne: { ...scaling, "static ceiling": Number((ceiling[2]! / ceiling[1]!).toFixed(2)) } };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    console.error(`\n${"workload".padEnd(30)}${"inst".padStart(5)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"× ceiling".padStart(11)}${"non-2xx".padStart(9)}`);
    for (const r of withRatios) {
      console.error(`${r.workload.padEnd(30)}${String(r.instances).padStart(5)}${String(r.rps).padStart(9)}${r.p50Ms.toFixed(1).padStart(9)}${r.p99Ms.toFixed(1).padStart(9)}${r.ratioToStaticCeiling.toFixed(3).padStart(11)}${String(r.non2xx).padStart(9)}`);
    }
    return 0;
  } finally {
    await stopChildren(children);
    await s3?.stop().catch(() => {});
    if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
    const { closeDb } = await import("../server/db/client").catch(() => ({ closeDb: async () => {} }));
    await closeDb().catch(() => {});
    await runDb?.dispose();
  }
}

/** An active shop on the Museum plan (the highest API allowance), its products, and a shop key. */
async function seed(): Promise<string> {
  const { sql } = await import("drizzle-orm");
  const { withSystem, withTenant } = await import("../server/db/tenancy");
  const { createShopApiKey } = await import("../server/domain/api-keys");
  const tenantId = await withSystem("bench-seed", async (tx) => {
    const [tenant] = await tx.execute<{ id: string }>(sql`insert into tenants (slug, name, status, plan, default_currency) values (${SLUG}, 'Scale Shop', 'active', 'museum', 'EUR') returning id::text as id`);
    const id = tenant!.id;
    // The plan's API rate limit out of reach (this database is the benchmark's own): every request
    // still takes its count, so the limiter's cost is in the figures, but none is refused.
    await tx.execute(sql`update plans set api_requests_per_minute = 100000000 where id = 'museum'`);
    await tx.execute(sql`
      insert into products (tenant_id, slug, name, description, price, status, position, published_at)
      select ${id}::uuid, 'product-' || i, 'Product ' || i, 'A fine product number ' || i, (i % 1000) + 0.5, 'published', i, now()
      from generate_series(1, ${PRODUCTS}) i`);
    await tx.execute(sql`insert into storefront_settings (tenant_id, tagline, hero_title) values (${id}::uuid, 'Scale', 'Scale Shop')`);
    return id;
  });
  const created = await withTenant(tenantId, (tx) =>
    createShopApiKey({ tx, tenantId, role: "owner", userId: null, impersonatorUserId: null, requestId: "bench-scale" }, { name: "bench", scopes: ["catalog:read", "usage:write"], expiresInDays: 1 }),
  );
  return created.key;
}

runMain(main);
