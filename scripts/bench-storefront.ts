/**
 * npm run bench:storefront — storefront throughput against a static-page ceiling.
 *
 * 1. PostgreSQL: TEST_DATABASE_URL's server when set, else an embedded one in a temp dir;
 *    a fresh database, migrated. s3rver in a temp dir (health needs S3).
 * 2. Seeds one active shop with BENCH_PRODUCTS (default 10,000) published products in 20 categories.
 * 3. `next build` (skip with BENCH_SKIP_BUILD=1; it writes .next, so run it under
 *    `flock /tmp/souk-e2e.lock` when others build in the same tree), then `next start`.
 * 4. For each of the static landing page (ceiling), the storefront home, a category page and a
 *    product page: renders it into the cache, then, with autocannon over BENCH_CONNECTIONS
 *    (default 50) connections, loads it for BENCH_WARMUP_SECONDS (default 3, discarded) and
 *    measures the next BENCH_SECONDS (default 10) on the same connections.
 * 5. The production path in front of it, measured the same way in the same run: a plain Node
 *    `http` server answering the storefront home's bytes (the limit for this page on this
 *    machine), and the storefront home through Varnish with ops/varnish/souk.vcl (skipped, and
 *    said so, when varnishd is not installed).
 * 6. Prints requests/s, p50, p99, each page's ratio to the ceiling and the server's CPU time
 *    per request (steadier than latency on a shared machine), then stops everything.
 * Targets (2-core machine): each storefront page ≥ 0.5 × ceiling, p99 ≤ 100 ms at 50 connections;
 * through Varnish ≥ 0.5 × the plain Node server.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { cpuSeconds, cpuSecondsOfTree } from "./lib/cpu";
import { createRunDatabase, type RunDatabase } from "./lib/postgres";
import { freePort, waitForHttp } from "./lib/ports";
import { startLocalS3, type LocalS3 } from "./lib/s3rver-local";
import { startVarnish, type LocalVarnish } from "./lib/varnish";
import { loadAfterWarmup } from "./lib/load";
import { buildNext, localProductionEnv, runMain, startNext, stopChildren } from "./lib/processes";

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const SLUG = "bench-shop";

/** Seeds with set-based SQL (as the system, bypassing nothing but the app): fast enough for 10,000 rows. */
async function seed(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [tenant] = await sql<{ id: string }[]>`
      insert into tenants (slug, name, status, default_currency) values (${SLUG}, 'Bench Shop', 'active', 'KWD') returning id`;
    const tenantId = tenant!.id;
    await sql`
      insert into categories (tenant_id, name, slug, position)
      select ${tenantId}, 'Category ' || i, 'category-' || i, i from generate_series(1, 20) i`;
    await sql`
      insert into products (tenant_id, category_id, slug, name, description, price, status, sku, position, featured, published_at)
      select ${tenantId}, c.id, 'product-' || i, 'Product ' || i,
             'A **fine** product number ' || i || E'.\n\n- handmade\n- numbered',
             (i % 1000) + 0.125, 'published', 'SKU-' || i, i, i <= 12, now()
      from generate_series(1, ${PRODUCTS}) i
      join categories c on c.tenant_id = ${tenantId} and c.slug = 'category-' || ((i % 20) + 1)`;
    await sql`
      insert into media_assets (tenant_id, product_id, object_key, content_type, bytes, status, position)
      select tenant_id, id, 'tenants/' || tenant_id || '/media/' || id || '.png', 'image/png', 1024, 'ready', 0
      from products where tenant_id = ${tenantId}`;
    await sql`insert into storefront_settings (tenant_id, tagline, hero_title) values (${tenantId}, 'Benchmarks all the way down', 'Bench Shop')`;
    await sql`analyze`;
  } finally {
    await sql.end();
  }
}

/** The plain server: one file, read once, answered to every request with its length and type. */
const PLAIN_SERVER = `
const body = require("node:fs").readFileSync(process.argv[1]);
require("node:http")
  .createServer((req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": body.length }).end(body))
  .listen(Number(process.argv[2]), "127.0.0.1");
`;

type Row = { name: string; path: string; rps: number; p50: number; p99: number; non2xx: number; errors: number; cpuMs: number };

/** One run over CONNECTIONS connections (warm-up discarded), and the server's CPU time per request. */
async function load(url: string, serverCpu: () => number) {
  let cpuBefore = NaN;
  const { requests, ...figures } = await loadAfterWarmup([{ url, connections: CONNECTIONS }], {
    warmupSeconds: WARMUP_SECONDS,
    seconds: SECONDS,
    onMeasuring: () => (cpuBefore = serverCpu()),
  });
  // Server CPU per request: steadier than latency on a shared machine, and what capacity scales with.
  return { ...figures, cpuMs: ((serverCpu() - cpuBefore) * 1000) / requests };
}

async function measure(baseUrl: string, name: string, urlPath: string, serverCpu: () => number): Promise<Row> {
  // Warm: the first request renders and caches the page (ISR); the benchmark measures steady state.
  for (let i = 0; i < 3; i++) {
    const res = await fetch(baseUrl + urlPath);
    if (!res.ok) throw new Error(`${urlPath} answered ${res.status}`);
    await res.arrayBuffer();
  }
  // Shows whether the page is served from the full-route cache (HIT) rather than rendered per request.
  const probe = await fetch(baseUrl + urlPath);
  await probe.arrayBuffer();
  const edge = probe.headers.get("x-cache-status");
  console.log(`[bench]   ${urlPath}: ${probe.status}, x-nextjs-cache ${probe.headers.get("x-nextjs-cache") ?? "(none)"}${edge ? `, x-cache-status ${edge}` : ""}, cache-control ${probe.headers.get("cache-control")}`);
  return { name, path: urlPath, ...(await load(baseUrl + urlPath, serverCpu)) };
}

async function main(): Promise<number> {
  let s3Dir: string | undefined;
  let s3: LocalS3 | undefined;
  let server: ChildProcess | undefined;
  let plain: ChildProcess | undefined;
  let varnish: LocalVarnish | undefined;
  let runDb: RunDatabase | undefined;
  const dbName = `souk_bench_${process.pid}`;
  try {
    runDb = await createRunDatabase(dbName);
    const { url } = runDb;
    console.log(`[bench] seeding ${PRODUCTS.toLocaleString("en")} products…`);
    await seed(url);

    s3Dir = mkdtempSync(path.join(os.tmpdir(), "souk-bench-s3-"));
    s3 = await startLocalS3({ directory: s3Dir, port: await freePort(), bucket: "souk-bench-media" });

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...localProductionEnv({ databaseUrl: url, appUrl: baseUrl, authSecret: process.env.AUTH_SECRET ?? "bench-secret-that-is-long-enough-for-auth-js", logLevel: "warn" }),
      PORT: String(port),
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
    };
    if (process.env.BENCH_SKIP_BUILD !== "1") {
      console.log("[bench] next build…");
      const code = await buildNext(env);
      if (code !== 0) return code;
    }
    server = startNext(port, env);
    await waitForHttp(`${baseUrl}/api/health`, 120_000);

    const pages: [string, string][] = [
      ["static page (ceiling)", "/"],
      ["storefront home", `/s/${SLUG}`],
      ["category page", `/s/${SLUG}/c/category-7`],
      ["product page", `/s/${SLUG}/p/product-4321`],
    ];
    const rows: Row[] = [];
    const nextPid = server.pid;
    for (const [name, urlPath] of pages) {
      console.log(`[bench] ${name}: ${urlPath} — ${CONNECTIONS} connections, ${WARMUP_SECONDS}s warm-up, ${SECONDS}s measured`);
      rows.push(await measure(baseUrl, name, urlPath, () => cpuSeconds(nextPid)));
    }

    // The same home page from a plain Node server in its own process: this page's limit here.
    const homePath = `/s/${SLUG}`;
    const homeBody = Buffer.from(await (await fetch(baseUrl + homePath)).arrayBuffer());
    const homeFile = path.join(s3Dir, "home.html");
    writeFileSync(homeFile, homeBody);
    const plainPort = await freePort();
    plain = spawn(process.execPath, ["-e", PLAIN_SERVER, homeFile, String(plainPort)], { stdio: ["ignore", "inherit", "inherit"] });
    await waitForHttp(`http://127.0.0.1:${plainPort}/`, 10_000);
    const plainPid = plain.pid;
    console.log(`[bench] plain Node server: the storefront home's ${homeBody.length.toLocaleString("en")} bytes`);
    const plainRow = await measure(`http://127.0.0.1:${plainPort}`, "plain Node server", homePath, () => cpuSeconds(plainPid));

    let cachedRow: Row | null = null;
    if (spawnSync("varnishd", ["-V"]).status === 0) {
      varnish = await startVarnish(port);
      const varnishPid = varnish.pid;
      console.log(`[bench] storefront home through Varnish (ops/varnish/souk.vcl)`);
      // CPU: Varnish's manager and its cache process; the app's share (a refresh every 0.5 s) is left out.
      cachedRow = await measure(varnish.url, "home via Varnish", homePath, () => cpuSecondsOfTree(varnishPid));
    } else {
      console.log("[bench] varnishd is not installed (apt-get install varnish): no row for the cached path");
    }
    const ceiling = rows[0]!.rps;
    console.log(`\nStorefront benchmark — ${PRODUCTS.toLocaleString("en")} products, ${CONNECTIONS} connections, ${SECONDS}s per page, ${os.cpus().length} CPUs\n`);
    console.log(["page".padEnd(24), "req/s".padStart(9), "p50 ms".padStart(8), "p99 ms".padStart(8), "ratio".padStart(7), "non-2xx".padStart(8), "CPU ms/req".padStart(11), "  target"].join(""));
    let ok = true;
    for (const r of rows) {
      const ratio = r.rps / ceiling;
      const isStorefront = r !== rows[0];
      const meets = !isStorefront || (ratio >= 0.5 && r.p99 <= 100 && r.non2xx === 0);
      ok &&= meets;
      console.log(
        [r.name.padEnd(24), r.rps.toFixed(0).padStart(9), r.p50.toFixed(1).padStart(8), r.p99.toFixed(1).padStart(8), ratio.toFixed(2).padStart(7), String(r.non2xx).padStart(8), r.cpuMs.toFixed(2).padStart(11), isStorefront ? (meets ? "  met" : "  MISSED") : "  —"].join(""),
      );
    }
    console.log(`\nTarget: each storefront page ≥ 0.50 × the static ceiling and p99 ≤ 100 ms — ${ok ? "met" : "not met"}.`);

    console.log(`\nProduction path: the storefront home through the micro-cache beside a plain Node server answering the same bytes\n`);
    console.log(["path".padEnd(24), "req/s".padStart(9), "p50 ms".padStart(8), "p99 ms".padStart(8), "ratio".padStart(7), "non-2xx".padStart(8), "CPU ms/req".padStart(11), "  target"].join(""));
    for (const r of [plainRow, cachedRow]) {
      if (!r) continue;
      const ratio = r.rps / plainRow.rps;
      const isCached = r === cachedRow;
      const meets = ratio >= 0.5 && r.non2xx === 0;
      console.log(
        [r.name.padEnd(24), r.rps.toFixed(0).padStart(9), r.p50.toFixed(1).padStart(8), r.p99.toFixed(1).padStart(8), ratio.toFixed(2).padStart(7), String(r.non2xx).padStart(8), r.cpuMs.toFixed(2).padStart(11), isCached ? (meets ? "  met" : "  MISSED") : "  —"].join(""),
      );
    }
    if (cachedRow) console.log(`\nTarget: through Varnish ≥ 0.50 × the plain Node server — ${cachedRow.rps / plainRow.rps >= 0.5 ? "met" : "not met"}.`);
    return 0;
  } finally {
    await varnish?.stop();
    await stopChildren([plain, server]);
    await s3?.stop().catch(() => {});
    if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
    await runDb?.dispose();
  }
}

runMain(main);
