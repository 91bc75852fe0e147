/**
 * npm run bench:ingest — usage ingestion over HTTP against the bare database insert.
 *
 * 1. A fresh database (TEST_DATABASE_URL's server, else embedded PostgreSQL), migrated.
 * 2. `next build` (skip with BENCH_SKIP_BUILD=1 when .next is current), then `next start`.
 * 3. BENCH_SHOPS shops and one platform service key.
 * 4. BENCH_EVENTS events (1,000,000) in batches of 1,000, POSTed to /api/v1/usage with
 *    BENCH_CONCURRENCY (8) requests in flight (fetch, keep-alive), each event naming its shop.
 * 5. The same rows (other idempotency keys) inserted straight into usage_events from one client
 *    with the same concurrency, as 1,000-row `insert … on conflict do nothing` statements:
 *    the machine's bare insert rate, in the same run.
 * Progress goes to stderr. Prints JSON: events/s over HTTP and bare, the ratio, CPU ms per
 * 1,000 events (server, PostgreSQL backends of the run's database, load generator, machine),
 * and a verdict on the targets (≥ 50,000 events/s over HTTP, ≥ half the bare rate). The CPU
 * figures are the ones to compare on a shared machine: wall-clock rates move with others' load.
 * BENCH_CPU_PROF=dir writes a V8 CPU profile of the server.
 */
import type { ChildProcess } from "node:child_process";
import postgres from "postgres";
import { cpuSeconds, machineCpuSeconds } from "./lib/cpu";
import { createRunDatabase, type RunDatabase } from "./lib/postgres";
import { freePort, waitForHttp } from "./lib/ports";
import { buildNext, localProductionEnv, runMain, startNext, stopChildren } from "./lib/processes";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const BATCH = 1_000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SHOPS = Number(process.env.BENCH_SHOPS ?? 20);
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

/** PIDs of the PostgreSQL backends serving the run's database (the server runs on this machine). */
async function serverBackends(admin: postgres.Sql, dbName: string): Promise<number[]> {
  const rows = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`;
  return rows.map((r) => r.pid);
}

type Phase = { seconds: number; cpu: { server: number; postgres: number; client: number; machine: number } };

/**
 * Runs `batches` batches with `concurrency` in flight, streaming progress to stderr, and returns
 * the wall time and the CPU seconds used meanwhile by the server process, the database's
 * backends (those alive at the start or the end), this process and the whole machine.
 */
async function measure(label: string, batches: number, concurrency: number, backends: () => Promise<number[]>, serverPid: number | undefined, run: (b: number) => Promise<void>): Promise<Phase> {
  const pidsBefore = await backends();
  const pgBefore = new Map(pidsBefore.map((pid) => [pid, cpuSeconds(pid)]));
  const serverBefore = serverPid ? cpuSeconds(serverPid) : 0;
  const clientBefore = process.cpuUsage();
  const machineBefore = machineCpuSeconds();
  let done = 0;
  const started = performance.now();
  const progress = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`${label}: ${(done * BATCH).toLocaleString("en")} / ${(batches * BATCH).toLocaleString("en")} events, ${Math.round((done * BATCH) / seconds).toLocaleString("en")} events/s\n`);
  }, 5_000);
  const seconds = await pool(batches, concurrency, async (b) => {
    await run(b);
    done++;
  });
  clearInterval(progress);
  const machine = machineCpuSeconds() - machineBefore;
  const client = process.cpuUsage(clientBefore);
  const server = serverPid ? cpuSeconds(serverPid) - serverBefore : 0;
  let postgres = 0;
  for (const pid of new Set([...pidsBefore, ...(await backends())])) {
    const now = cpuSeconds(pid);
    if (!Number.isNaN(now)) postgres += now - (pgBefore.get(pid) ?? 0);
  }
  process.stderr.write(`${label}: ${(batches * BATCH).toLocaleString("en")} events in ${seconds.toFixed(1)} s\n`);
  return { seconds, cpu: { server, postgres, client: (client.user + client.system) / 1e6, machine } };
}

async function main(): Promise<number> {
  const children: ChildProcess[] = [];
  let runDb: RunDatabase | undefined;
  try {
    runDb = await createRunDatabase(`souk_bench_ingest_${process.pid}`);
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...localProductionEnv({ databaseUrl: runDb.url, appUrl: baseUrl, authSecret: "bench-secret-that-is-long-enough-for-auth-js", logLevel: "warn" }),
      DATABASE_POOL_SIZE: "20",
      // Every request still takes its rate-limit count (that cost is part of the figures); only
      // the platform key's limit is put out of reach of a fast machine.
      RATE_LIMIT_PLATFORM_KEY_PER_MINUTE: process.env.RATE_LIMIT_PLATFORM_KEY_PER_MINUTE ?? "10000000",
    };
    Object.assign(process.env, env);
    if (process.env.BENCH_SKIP_BUILD !== "1") {
      process.stderr.write("[bench] next build…\n");
      // stdout is the JSON report: the build's output goes nowhere, its errors to stderr.
      const built = await buildNext(env, ["ignore", "ignore", "inherit"]);
      if (built !== 0) return built;
    }
    // BENCH_CPU_PROF=dir writes a V8 CPU profile of the server there (open in Chrome DevTools).
    const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    children.push(startNext(port, env, { nodeArgs: profile }));
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
    const admin = postgres(runDb.url, { max: 1, onnotice: () => {} });
    const dbName = new URL(runDb.url).pathname.slice(1);
    const http = await measure("http", batches, CONCURRENCY, () => serverBackends(admin, dbName), children[0]!.pid, async (b) => {
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

    // The bare insert: the same rows into the same table from one client with the same
    // concurrency, as the plainest statement that stores them idempotently (a 1,000-row
    // insert … on conflict do nothing, autocommit): no HTTP, no key, no locks, no checks, no
    // answer per event. The floor the HTTP path is measured against.
    const sql = postgres(runDb.url, { max: CONCURRENCY, onnotice: () => {} });
    await Promise.all(Array.from({ length: CONCURRENCY }, () => sql`select 1`)); // connected before the clock starts
    const tenantOf = new Map(shops.map((s) => [s.slug, s.id]));
    const bare = await measure("bare insert", batches, CONCURRENCY, () => serverBackends(admin, dbName), undefined, async (b) => {
      const rows = batchOf(b, shops, "bare", base).map((e) => ({ t: tenantOf.get(e.shop), p: `${e.occurredAt.slice(0, 7)}-01`, k: e.idempotencyKey, m: e.metric, q: e.quantity, o: e.occurredAt, s: "api" }));
      await sql.unsafe(
        `insert into usage_events (tenant_id, period, idempotency_key, metric, quantity, occurred_at, source)
         select t, p, k, m, q, o, s from json_to_recordset($1::text::json) as x(t uuid, p date, k text, m text, q numeric, o timestamptz, s text)
         on conflict do nothing`,
        [JSON.stringify(rows)],
      );
    });
    const [counts] = await sql<{ http: number; bare: number }[]>`select count(*) filter (where idempotency_key like 'http-%')::int as http, count(*) filter (where idempotency_key like 'bare-%')::int as bare from usage_events`;
    await sql.end();
    await admin.end();
    await closeDb();

    const events = batches * BATCH;
    const httpRate = accepted / http.seconds;
    const bareRate = events / bare.seconds;
    const per1000 = (seconds: number) => +((seconds * 1_000_000) / events).toFixed(1);
    const ratio = httpRate / bareRate;
    const met = { httpEventsPerSecond: httpRate >= 50_000, ratioOfBare: ratio >= 0.5 };
    const result = {
      events,
      batchSize: BATCH,
      concurrency: CONCURRENCY,
      shops: SHOPS,
      http: { seconds: +http.seconds.toFixed(2), accepted, stored: counts!.http, failedRequests: failures, eventsPerSecond: Math.round(httpRate) },
      bareInsert: { seconds: +bare.seconds.toFixed(2), stored: counts!.bare, eventsPerSecond: Math.round(bareRate) },
      ratio: +ratio.toFixed(3),
      // CPU milliseconds per 1,000 events: the Next.js server, PostgreSQL's backends for the run's
      // database, the load generator (this process), and the whole machine (others' work included).
      cpuMsPer1000Events: {
        http: { nextStart: per1000(http.cpu.server), postgres: per1000(http.cpu.postgres), client: per1000(http.cpu.client), machine: per1000(http.cpu.machine) },
        bareInsert: { postgres: per1000(bare.cpu.postgres), client: per1000(bare.cpu.client), machine: per1000(bare.cpu.machine) },
      },
      targets: { httpEventsPerSecond: 50_000, ratioOfBare: 0.5 },
      met,
      verdict:
        met.httpEventsPerSecond && met.ratioOfBare
          ? "targets met"
          : `targets not met: ${[!met.httpEventsPerSecond && `HTTP ${Math.round(httpRate)} < 50,000 events/s`, !met.ratioOfBare && `ratio ${ratio.toFixed(2)} < 0.5 of bare`].filter(Boolean).join("; ")}`,
    };
    console.log(JSON.stringify(result, null, 2));
    return failures === 0 && counts!.http === batches * BATCH ? 0 : 1;
  } finally {
    await stopChildren(children);
    await runDb?.dispose();
  }
}

runMain(main);
