/**
 * npm run bench:webhooks — webhook intake and processing under load.
 *
 * 1. A fresh database (TEST_DATABASE_URL's server, else embedded PostgreSQL), migrated.
 * 2. The local Stripe emulator; TENANTS shops subscribe through Checkout (real events).
 * 3. `next start` on the existing production build (.next; run `next build` first, under
 *    the e2e flock) and one `npm run worker`.
 * 4. EVENTS signed customer.subscription.updated events (20% duplicates of earlier ones),
 *    signed first, then POSTed by autocannon with CONCURRENCY in flight. Prints accepted
 *    events/s, then waits until every event is processed and prints the processing lag
 *    (processed_at − received_at) p50/p99, and the CPU time per request of each process
 *    (web, worker, PostgreSQL when local, load generator) and of the whole machine.
 * Env: BENCH_EVENTS (3000), BENCH_CONCURRENCY (64), BENCH_TENANTS (40), WORKER_CONCURRENCY (10),
 * BENCH_INTAKE_ONLY=1 (diagnosis: pause the worker while posting, to measure intake alone).
 */
import { spawn, type ChildProcess } from "node:child_process";
import autocannon from "autocannon";
import os from "node:os";
import { cpuSeconds, cpuSecondsByName, machineCpuSeconds } from "./lib/cpu";
import { createRunDatabase, type RunDatabase } from "./lib/postgres";
import { freePort, waitForHttp } from "./lib/ports";
import { percentile } from "./lib/stats";
import { startStripeEmulator, type StripeEmulator } from "./stripe-emulator/server";
import { localProductionEnv, runMain, startNext, stopChildren } from "./lib/processes";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 40);

type CpuSnapshot = Record<"next" | "worker" | "postgres" | "bench" | "machine", number>;

function cpuSnapshot(children: ChildProcess[]): CpuSnapshot {
  const own = process.cpuUsage();
  return {
    next: cpuSeconds(children[0]!.pid),
    worker: cpuSeconds(children[1]!.pid),
    postgres: cpuSecondsByName("postgres"),
    bench: (own.user + own.system) / 1e6,
    machine: machineCpuSeconds(),
  };
}

/**
 * CPU per request, from the first post until every event is processed, per process.
 * Steadier than events/s on a shared machine, and it says where the time goes: the
 * sum bounds the rate the machine can sustain.
 */
function printCpu(before: CpuSnapshot, after: CpuSnapshot, requests: number) {
  const ms = (k: keyof CpuSnapshot) => ((after[k] - before[k]) * 1000) / requests;
  if (!Number.isFinite(ms("machine"))) return;
  const postgres = ms("postgres") > 0 ? `, PostgreSQL ${ms("postgres").toFixed(2)}` : " (PostgreSQL is not local)";
  console.log(
    `[bench] CPU ms per request: next start ${ms("next").toFixed(2)}, worker ${ms("worker").toFixed(2)}${postgres}, load generator and emulator ${ms("bench").toFixed(2)}; whole machine ${ms("machine").toFixed(2)}`,
  );
  const cores = os.cpus().length;
  console.log(`[bench] at that cost ${cores} cores sustain about ${((cores * 1000) / ms("machine")).toFixed(0)} requests/s end to end`);
}

async function main(): Promise<number> {
  let emulator: StripeEmulator | undefined;
  const children: ChildProcess[] = [];
  let runDb: RunDatabase | undefined;
  const dbName = `souk_bench_${process.pid}`;
  try {
    runDb = await createRunDatabase(dbName);
    const { url } = runDb;

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const webhookSecret = "whsec_souk_bench";
    emulator = await startStripeEmulator({ port: await freePort(), webhookUrl: `${baseUrl}/api/webhooks/stripe`, webhookSecret });
    const env: NodeJS.ProcessEnv = {
      ...localProductionEnv({ databaseUrl: url, appUrl: baseUrl, authSecret: "bench-secret-that-is-long-enough-for-auth-js", logLevel: "warn" }),
      DATABASE_POOL_SIZE: "20",
      STRIPE_API_BASE: emulator.url,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? "10",
    };
    Object.assign(process.env, env);

    children.push(startNext(port, env));
    // Not /api/health: it also reports S3, which this benchmark does not start.
    await waitForHttp(`${baseUrl}/sign-in`, 120_000);
    // tsx as a loader (not its CLI, which forks): the pid is the worker's own, for SIGSTOP and CPU time.
    children.push(spawn(process.execPath, ["--import", "tsx", "server/jobs/worker.ts"], { env, stdio: ["ignore", "inherit", "inherit"] }));

    // Shops with real subscriptions, paid through the emulator's Checkout.
    const { signUp } = await import("../server/domain/users");
    const { createTenant } = await import("../server/domain/tenants");
    const { createCaller } = await import("../server/api/root");
    const { createApiContext } = await import("../server/api/trpc");
    const { signTestPayload } = await import("../server/integrations/stripe");
    const { db, closeDb } = await import("../server/db/client");
    const { sql } = await import("drizzle-orm");
    // One owner per shop: an account opens one trial shop (and a second only once verified).
    for (let i = 0; i < TENANTS; i++) {
      const owner = await signUp({ name: "Bench", email: `bench-${process.pid}-${i}@example.test`, password: "bench-password-123" }, {});
      const caller = createCaller(createApiContext({ userId: owner.id }));
      const shop = await createTenant({ userId: owner.id }, { name: `Bench ${i}`, slug: `bench-${process.pid}-${i}`, plan: "pro" });
      const { url: checkoutUrl } = await caller.subscriptions.startCheckout({ tenantSlug: shop.slug, plan: "pro" });
      await fetch(`${checkoutUrl}/pay`, { method: "POST", redirect: "manual" });
    }
    await emulator.waitForWebhooks(30_000);
    const subs = (await (await fetch(`${emulator.url}/v1/subscriptions?limit=100`, { headers: { authorization: "Bearer sk" } })).json()) as { data: Record<string, unknown>[] };
    console.log(`[bench] ${subs.data.length} subscriptions ready; waiting for setup events to be processed…`);
    for (;;) {
      const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from stripe_events where status <> 'processed'`);
      if (row!.n === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await db.execute(sql`delete from stripe_events`);

    // The load: unique events plus 20% re-deliveries of earlier ones.
    const unique = Math.round(EVENTS / 1.2);
    const now = Math.floor(Date.now() / 1000);
    const bodies: string[] = [];
    for (let i = 0; i < unique; i++) {
      const sub = subs.data[i % subs.data.length]!;
      bodies.push(JSON.stringify({ id: `evt_bench_${process.pid}_${i}`, object: "event", api_version: "2026-10-28.endive", created: now + i, type: "customer.subscription.updated", livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, data: { object: sub, previous_attributes: {} } }));
    }
    const sequence = [...bodies];
    for (let i = 0; i < EVENTS - unique; i++) sequence.splice(Math.floor(Math.random() * sequence.length), 0, bodies[Math.floor(Math.random() * unique)]!);

    const intakeOnly = process.env.BENCH_INTAKE_ONLY === "1";
    if (intakeOnly) children[1]!.kill("SIGSTOP");
    // Signed up front (the signature's timestamp stays well inside Stripe's tolerance), so the
    // load generator only sends: autocannon's raw HTTP client costs far less CPU per request
    // than fetch, and on 2 cores every client cycle is taken from the server or the worker.
    const signed = sequence.map((body) => ({ body, signature: signTestPayload(body, { secret: webhookSecret }) }));
    const cpuBefore = cpuSnapshot(children);
    let next = 0;
    const started = performance.now();
    // autocannon notices it is done only on its next 1 s tick: time the posts by the last answer.
    let lastResponse = started;
    const result = await autocannon({
      url: `${baseUrl}/api/webhooks/stripe`,
      connections: CONCURRENCY,
      amount: signed.length,
      requests: [
        {
          method: "POST",
          setupRequest: (request) => {
            const { body, signature } = signed[next++ % signed.length]!;
            return { ...request, body, headers: { ...request.headers, "content-type": "application/json", "stripe-signature": signature } };
          },
          onResponse: () => {
            lastResponse = performance.now();
          },
        },
      ],
    });
    const postSeconds = (lastResponse - started) / 1000;
    const failed = result.non2xx + result.errors;
    const ok = result["2xx"];
    console.log(`[bench] posted ${signed.length} events (${EVENTS - unique} duplicates) in ${postSeconds.toFixed(2)} s: ${(ok / postSeconds).toFixed(0)} accepted events/s, ${failed} non-200`);

    if (intakeOnly) children[1]!.kill("SIGCONT");
    for (;;) {
      const [row] = await db.execute<{ n: number; failed: number }>(sql`select count(*) filter (where status <> 'processed')::int as n, count(*) filter (where status = 'failed')::int as failed from stripe_events`);
      if (row!.n === 0) break;
      if ((performance.now() - started) / 1000 > 300) throw new Error(`events still unprocessed after 300 s: ${row!.n} (failed ${row!.failed})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const drainSeconds = (performance.now() - started) / 1000;
    printCpu(cpuBefore, cpuSnapshot(children), sequence.length);
    const lags = await db.execute<{ ms: number }>(sql`select extract(epoch from (processed_at - received_at)) * 1000 as ms from stripe_events order by 1`);
    const sorted = lags.map((r) => Number(r.ms)).sort((a, b) => a - b);
    const [counts] = await db.execute<{ n: number; covered: number }>(sql`select count(*)::int as n, count(*) filter (where last_error like 'covered by %')::int as covered from stripe_events`);
    console.log(`[bench] ${counts!.n} unique events stored (expected ${unique}); all processed ${drainSeconds.toFixed(2)} s after the first post; ${counts!.covered} covered by another event's re-read`);
    const p99 = percentile(sorted, 99);
    console.log(`[bench] processing lag p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms`);
    const rate = ok / postSeconds;
    const met = rate >= 500 && p99 <= 2000 && failed === 0;
    console.log(`[bench] target ≥ 500 accepted events/s with p99 lag ≤ 2 s (2-core machine): ${met ? "met" : "not met"}`);
    await closeDb();
    return counts!.n === unique && failed === 0 ? 0 : 1;
  } finally {
    await stopChildren(children);
    await emulator?.close().catch(() => {});
    await runDb?.dispose();
  }
}

runMain(main);
