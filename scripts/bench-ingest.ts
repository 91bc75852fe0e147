/**
 * npm run bench:ingest — usage ingestion over HTTP against the bare database insert.
 *
 * 1. A fresh database (TEST_DATABASE_URL's server, else embedded PostgreSQL), migrated.
 * 2. `next start` on the existing production build (.next; run `next build` first).
 * 3. BENCH_SHOPS shops and one platform service key.
 * 4. BENCH_EVENTS events (1,000,000) in batches of 1,000, POSTed to /api/v1/usage with
 *    BENCH_CONCURRENCY (8) requests in flight (fetch, keep-alive), each event naming its shop.
 * 5. The same rows (other idempotency keys) inserted straight into usage_events with the same
 *    multi-row statement and concurrency: the machine's bare insert rate, in the same run.
 * Prints JSON: events/s over HTTP, bare events/s, the ratio, and whether the targets were met
 * (≥ 50,000 events/s over HTTP, ≥ half the bare rate).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import postgres from "postgres";
import { cpuSeconds, machineCpuSeconds } from "./lib/cpu";
import { createRunDatabase, type RunDatabase } from "./lib/postgres";
import { freePort, waitForHttp } from "./lib/ports";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const BATCH = 1_000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SHOPS = Number(process.env.BENCH_SHOPS ?? 20);
const root = process.cwd();
const metrics = ["api_calls", "storefront_visits", "storage_gb_months"] as const;

type Event = { shop: string; metric: string; quantity: string; occurredAt: string; idempotencyKey: string };

/** Batch `b` of the run: deterministic, spread over the shops and the last hours (not near a month boundary unless today is). */
function batchOf(b: number, shops: { id: string; slug: string }[], prefix: string, base: number): Event[] {
  const events: Event[] = [];
  for (let i = 0; i < BATCH; i++) {
    const n = b * BATCH + i;
    events.push({ shop: shops[n % shops.length]!.slug, metric: metrics[n % 3]!, quantity: n % 3 === 2 ? "0.001" : "1", occurredAt: new Date(base - (n % 3_600_000)).toISOString(), idempotencyKey: `${prefix}-${n}` });
  }
  return events;
}

async function pool(batches: number, concurrency: number, run: (b: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let b = next++; b < batches; b = next++) await run(b);
    }),
  );
  return (performance.now() - started) / 1000;
}

async function main(): Promise<number> {
  const children: ChildProcess[] = [];
  let runDb: RunDatabase | undefined;
  try {
    runDb = await createRunDatabase(`souk_bench_ingest_${process.pid}`);
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: runDb.url,
      DATABASE_POOL_SIZE: "20",
      AUTH_SECRET: "bench-secret-that-is-long-enough-for-auth-js",
      APP_URL: baseUrl,
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
    };
    Object.assign(process.env, env);
    const nextBin = path.join(root, "node_modules/next/dist/bin/next");
    // BENCH_CPU_PROF=dir writes a V8 CPU profile of the server there (open in Chrome DevTools).
    const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    children.push(spawn(process.execPath, [...profile, nextBin, "start", "--port", String(port), "--hostname", "127.0.0.1"], { env, stdio: ["ignore", "inherit", "inherit"] }));
    await waitForHttp(`${baseUrl}/api/v1/openapi.json`, 120_000);

    const { signUp } = await import("../server/domain/users");
    const { createTenant } = await import("../server/domain/tenants");
    const { createPlatformApiKey } = await import("../server/domain/api-keys");
    const { closeDb } = await import("../server/db/client");
    // One owner per shop: an account opens one trial shop (and a second only once verified).
    const shops: { id: string; slug: string }[] = [];
    for (let i = 0; i < SHOPS; i++) {
      const owner = await signUp({ name: "Bench", email: `bench-${process.pid}-${i}@example.test`, password: "bench-password-123" }, {});
      shops.push(await createTenant({ userId: owner.id }, { name: `Bench ${i}`, slug: `bench-${process.pid}-${i}` }));
    }
    const { key } = await createPlatformApiKey({ userId: null }, { name: "bench", scopes: ["usage:write"], expiresInDays: null });
    const batches = Math.ceil(EVENTS / BATCH);
    const base = Date.now() - 60_000;

    // Warm-up (route compilation caches, connections), not counted.
    await fetch(`${baseUrl}/api/v1/usage`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ events: batchOf(0, shops, "warm", base) }) });

    let accepted = 0;
    let failures = 0;
    const cpuBefore = { next: cpuSeconds(children[0]!.pid), machine: machineCpuSeconds() };
    const httpSeconds = await pool(batches, CONCURRENCY, async (b) => {
      const res = await fetch(`${baseUrl}/api/v1/usage`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ events: batchOf(b, shops, "http", base) }) });
      if (!res.ok) {
        failures++;
        await res.text();
        return;
      }
      // Read first, then add: `accepted += await …` would read the total before the await and lose concurrent updates.
      const answer = (await res.json()) as { accepted: number };
      accepted += answer.accepted;
    });
    const cpuAfter = { next: cpuSeconds(children[0]!.pid), machine: machineCpuSeconds() };

    // The bare insert: the same rows, the same statement shape and concurrency, no HTTP, no checks.
    const sql = postgres(runDb.url, { max: CONCURRENCY, onnotice: () => {} });
    const tenantOf = new Map(shops.map((s) => [s.slug, s.id]));
    const bareSeconds = await pool(batches, CONCURRENCY, async (b) => {
      const rows = batchOf(b, shops, "bare", base).map((e) => ({ t: tenantOf.get(e.shop), p: `${e.occurredAt.slice(0, 7)}-01`, k: e.idempotencyKey, m: e.metric, q: e.quantity, o: e.occurredAt, s: "api" }));
      await sql.unsafe(
        `insert into usage_events (tenant_id, period, idempotency_key, metric, quantity, occurred_at, source)
         select t, p, k, m, q, o, s from json_to_recordset($1::text::json) as x(t uuid, p date, k text, m text, q numeric, o timestamptz, s text)
         on conflict do nothing returning tenant_id, idempotency_key`,
        [JSON.stringify(rows)],
      );
    });
    const [counts] = await sql<{ http: number; bare: number }[]>`select count(*) filter (where idempotency_key like 'http-%')::int as http, count(*) filter (where idempotency_key like 'bare-%')::int as bare from usage_events`;
    await sql.end();
    await closeDb();

    const httpRate = accepted / httpSeconds;
    const bareRate = (batches * BATCH) / bareSeconds;
    const result = {
      events: batches * BATCH,
      batchSize: BATCH,
      concurrency: CONCURRENCY,
      shops: SHOPS,
      http: { seconds: +httpSeconds.toFixed(2), accepted, stored: counts!.http, failedRequests: failures, eventsPerSecond: Math.round(httpRate) },
      bareInsert: { seconds: +bareSeconds.toFixed(2), stored: counts!.bare, eventsPerSecond: Math.round(bareRate) },
      ratio: +(httpRate / bareRate).toFixed(3),
      cpuSecondsPer1000Events: { nextStart: +(((cpuAfter.next - cpuBefore.next) * 1000) / accepted).toFixed(4), machine: +(((cpuAfter.machine - cpuBefore.machine) * 1000) / accepted).toFixed(4) },
      targets: { httpEventsPerSecond: 50_000, ratioOfBare: 0.5 },
      met: httpRate >= 50_000 && httpRate / bareRate >= 0.5,
    };
    console.log(JSON.stringify(result, null, 2));
    return failures === 0 && counts!.http === batches * BATCH ? 0 : 1;
  } finally {
    for (const child of children) {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
    }
    await runDb?.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
