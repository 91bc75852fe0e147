/**
 * npm run bench:billing -- --events 1000000 --tenants 10000 — the billing run end to end.
 *
 * 1. A fresh migrated database (TEST_DATABASE_URL's server, else embedded PostgreSQL) and the
 *    Stripe emulator in a process of its own (Stripe is remote; it should not share our CPU).
 * 2. Generates the data in PostgreSQL (generate_series): TENANTS paying Starter shops and EVENTS
 *    usage events of last month spread over them and the three metrics, sized so every metric
 *    of every shop goes over its quota (one meter event per tenant and metric).
 * 3. The floor: a bare `select tenant_id, metric, sum(quantity) … group by` over the same rows
 *    (after one warm-up scan, as the run gets).
 * 4. The run itself (statements, lines, ledger, Stripe reporting), progress on stderr, then a
 *    check of what it wrote and what the emulator accepted.
 * Prints one JSON object: events, tenants, seconds, events_per_s, peak_rss_mb, floor_seconds,
 * floor_ratio, and the targets (1M events in 5 s, 300 MB peak RSS).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { cpuSeconds } from "./lib/cpu";
import { freePort } from "./lib/ports";
import { createRunDatabase, type RunDatabase } from "./lib/postgres";
import { runMain, stopChildren } from "./lib/processes";

const { values } = parseArgs({ options: { events: { type: "string", default: "1000000" }, tenants: { type: "string", default: "10000" } } });
const EVENTS = Number(values.events);
const TENANTS = Number(values.tenants);
if (!Number.isInteger(EVENTS) || EVENTS < 1 || !Number.isInteger(TENANTS) || TENANTS < 1 || TENANTS > EVENTS) {
  console.error("usage: npm run bench:billing -- --events N --tenants T (1 ≤ T ≤ N)");
  process.exit(2);
}
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function startEmulator(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/stripe-emulator/main.ts"], {
    env: { ...process.env, STRIPE_EMULATOR_PORT: String(port), STRIPE_WEBHOOK_URL: "http://127.0.0.1:9/unused" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
    child.stdout!.on("data", (c: Buffer) => {
      if (c.toString().includes("listening")) resolve();
    });
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

async function main(): Promise<number> {
  let runDb: RunDatabase | undefined;
  let emulator: ChildProcess | undefined;
  try {
    runDb = await createRunDatabase(`souk_bench_billing_${process.pid}`);
    const emu = await startEmulator();
    emulator = emu.child;
    // The app's modules read their configuration when imported: set it first.
    Object.assign(process.env, { DATABASE_URL: runDb.url, STRIPE_API_BASE: emu.url, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn", AUTH_SECRET: "bench-secret-that-is-long-enough-for-auth-js" });
    delete process.env.STRIPE_SECRET_KEY;
    const { sql: pg, closeDb } = await import("../server/db/client");
    const { runBilling } = await import("../server/domain/usage/billing-run");
    const { progressLine } = await import("./lib/billing-progress");

    const now = new Date();
    const period = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 10);

    // 2. Data. Shops: paying Starter (50,000 visits, 100,000 API calls, 5 GB-months included).
    //    On a connection of its own without the app's statement timeout: generating ten million
    //    rows takes longer than any statement of the app may.
    const setup = postgres(runDb.url, { max: 1, onnotice: () => {}, connection: { statement_timeout: 0 } });
    let t = performance.now();
    await setup`
      insert into tenants (slug, name, status, plan)
      select 'bench-' || g, 'Bench shop ' || g, 'active', 'starter' from generate_series(1, ${TENANTS}) g`;
    await setup`
      insert into subscriptions (tenant_id, stripe_customer_id, stripe_subscription_id, plan, status)
      select id, 'cus_' || replace(id::text, '-', ''), 'sub_' || replace(id::text, '-', ''), 'starter', 'active' from tenants`;
    await setup`select usage_events_ensure_partition(${period}::date)`;
    // Per event: a tenant round robin, a metric round robin within it; quantities put each metric
    // 1.5× over its quota whatever the events per tenant (exact decimals, six digits at most).
    const perMetric = Math.max(1, Math.floor(EVENTS / TENANTS / 3));
    await setup`
      with shops as (select id, row_number() over (order by id) - 1 as n from tenants)
      insert into usage_events (tenant_id, period, idempotency_key, metric, quantity, occurred_at, source)
      select s.id, ${period}::date, 'bench-' || g,
        (array['storefront_visits', 'api_calls', 'storage_gb_months'])[1 + (g / ${TENANTS}) % 3],
        round((array[75000, 150000, 7.5])[1 + (g / ${TENANTS}) % 3]::numeric / ${perMetric}, 6),
        (${period}::date::timestamp at time zone 'UTC') + make_interval(secs => g % 2000000), 'api'
      from generate_series(0, ${EVENTS - 1}) g join shops s on s.n = g % ${TENANTS}`;
    await setup`vacuum analyze usage_events`;
    await setup.end();
    log(`generated ${EVENTS.toLocaleString("en")} events for ${TENANTS.toLocaleString("en")} tenants in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // 3. The floor, warm (one scan first, as the run's own reading will be warm in production).
    const floorQuery = () => pg`select tenant_id, metric, sum(quantity) from usage_events where period = ${period}::date group by tenant_id, metric`;
    await floorQuery();
    t = performance.now();
    const groups = (await floorQuery()).length;
    const floorSeconds = (performance.now() - t) / 1000;
    log(`floor: GROUP BY of ${groups.toLocaleString("en")} groups in ${floorSeconds.toFixed(3)} s`);

    // 4. The run. CPU is counted per process as well: on a shared machine wall time says little
    //    alone. PostgreSQL: the backends of this database's connections (the pool stays open).
    const backendPids = async () => (await pg<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database()`).map((r) => r.pid);
    const pgCpu = async () => (await backendPids()).reduce((n, pid) => n + (cpuSeconds(pid) || 0), 0);
    const cpuBefore = { run: process.cpuUsage(), emulator: cpuSeconds(emulator.pid), postgres: await pgCpu() };
    let lastLine = 0;
    t = performance.now();
    const result = await runBilling({
      period,
      trigger: "bench",
      onProgress(p) {
        if (p.elapsedMs - lastLine < 1000) return;
        lastLine = p.elapsedMs;
        log(progressLine(p));
      },
    });
    const seconds = (performance.now() - t) / 1000;
    const runCpu = process.cpuUsage(cpuBefore.run);
    const cpu = {
      run_process_s: Number(((runCpu.user + runCpu.system) / 1e6).toFixed(2)),
      emulator_s: Number((cpuSeconds(emulator.pid) - cpuBefore.emulator).toFixed(2)),
      postgres_backends_s: Number(((await pgCpu()) - cpuBefore.postgres).toFixed(2)),
    };
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

    const [written] = await pg<{ statements: number; lines: number; reported: number }[]>`
      select (select count(*)::int from usage_statements) as statements, (select count(*)::int from usage_statement_lines) as lines,
             (select count(*)::int from meter_event_reports where status = 'reported') as reported`;
    const counts = (await (await fetch(`${emu.url}/_emulator/meter-events/counts`)).json()) as { data: { accepted: number }[] };
    const accepted = counts.data.reduce((n, c) => n + c.accepted, 0);
    const duplicates = counts.data.filter((c) => c.accepted > 1).length;
    await closeDb();

    const out = {
      events: result.events,
      tenants: result.tenants,
      seconds: Number(seconds.toFixed(3)),
      events_per_s: Math.round(result.events / seconds),
      peak_rss_mb: peakRssMb,
      floor_seconds: Number(floorSeconds.toFixed(3)),
      floor_ratio: Number((seconds / floorSeconds).toFixed(2)),
      cpu_seconds: cpu,
      statements: written!.statements,
      statement_lines: written!.lines,
      meter_events_reported: written!.reported,
      meter_events_accepted_by_stripe: accepted,
      duplicate_meter_events: duplicates,
      targets: { seconds_per_million: 5, peak_rss_mb: 300 },
      met: seconds <= 5 * (result.events / 1_000_000) && peakRssMb <= 300,
    };
    console.log(JSON.stringify(out, null, 2));
    const complete = out.statements === TENANTS && out.meter_events_accepted_by_stripe === out.meter_events_reported && duplicates === 0;
    if (!complete) log("the run's output is incomplete or duplicated: see the counts above");
    return complete ? 0 : 1;
  } finally {
    await stopChildren([emulator]);
    await runDb?.dispose();
  }
}

runMain(main);
