import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestS3 } from "@/test/s3";

/**
 * Two `npm run worker` processes (server/jobs/worker.ts) on one database share the queue, and
 * what must happen once happens once: provisioning, the purge of deleted shops, trial ends and
 * grace-period suspensions, the billing run and the daily storage usage. Each of those jobs is queued twice at once, as a
 * duplicated webhook, an admin's second click or a scheduler firing twice would: graphile-worker
 * gives a job to one worker only, so the copies run side by side on the two workers (and on
 * the several slots of each), and the effects are counted afterwards in the database and in the
 * Stripe emulator.
 */
const s3 = await startTestS3();
const { sql } = await import("drizzle-orm");
const { withSystem } = await import("@/server/db/tenancy");
const { enqueueJobByName } = await import("@/server/jobs/queue");
const { addUsage, countRows, lastPeriod, makeShops } = await import("@/test/billing-fixtures");
const { startStripeHarness } = await import("@/test/stripe-harness");

const period = lastPeriod();
let stripe: Awaited<ReturnType<typeof startStripeHarness>>;

type Worker = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function startWorker(stripeUrl: string): Promise<Worker> {
  const env: NodeJS.ProcessEnv = { ...process.env, STRIPE_API_BASE: stripeUrl, WORKER_CONCURRENCY: "4", LOG_LEVEL: "debug" };
  delete env.STRIPE_SECRET_KEY;
  const child = spawn(process.execPath, ["--import", "tsx", "server/jobs/worker.ts"], { cwd: process.cwd(), env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('"msg":"worker started"')) {
        clearInterval(timer);
        resolve({ child, output: () => output, exited });
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`worker exited with ${code} before it started:\n${output}`));
    });
  });
}

const rows = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) => withSystem("test", (tx) => tx.execute<T>(query));
const idList = (ids: string[]) => sql.raw(`array[${ids.map((id) => `'${id}'`).join(",")}]::uuid[]`);

async function queueTwice(name: string, payload: unknown) {
  await withSystem("test-queue", async (tx) => {
    await enqueueJobByName(tx, name, payload, { maxAttempts: 3 });
    await enqueueJobByName(tx, name, payload, { maxAttempts: 3 });
  });
}

/** Waits until the queue is empty (every job done, or failed for good), at most `ms`. */
async function drained(ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const [left] = await rows<{ n: number }>(sql`select count(*)::int as n from graphile_worker._private_jobs where attempts < max_attempts`);
    if (left!.n === 0) return;
    if (Date.now() > deadline) throw new Error(`${left!.n} jobs still queued after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Names of the jobs a worker finished, from graphile-worker's "Completed task" lines (debug level). */
const completedJobs = (worker: Worker) => [...worker.output().matchAll(/Completed task \d+ \(([^,]+)/g)].map((m) => m[1]!);

describe("two workers on one queue", () => {
  const shops = { pending: [] as string[], deleted: [] as string[], trialOver: [] as string[], pastDue: [] as string[], billed: [] as string[] };
  let workers: Worker[] = [];

  beforeAll(async () => {
    stripe = await startStripeHarness();
    shops.pending = await makeShops(8, { paid: false });
    shops.deleted = await makeShops(4, { paid: false });
    shops.trialOver = await makeShops(4, { plan: "trial", paid: false });
    shops.pastDue = await makeShops(4);
    shops.billed = await makeShops(30);
    await withSystem("test-setup", async (tx) => {
      await tx.execute(sql`update tenants set status = 'pending' where id = any(${idList(shops.pending)})`);
      await tx.execute(sql`update tenants set status = 'deleted', deleted_at = now() - interval '400 days' where id = any(${idList(shops.deleted)})`);
      await tx.execute(sql`update tenants set trial_ends_at = now() - interval '1 day' where id = any(${idList(shops.trialOver)})`);
      await tx.execute(sql`update subscriptions set status = 'past_due', past_due_since = now() - interval '30 days' where tenant_id = any(${idList(shops.pastDue)})`);
      await tx.execute(sql`
        insert into media_assets (tenant_id, object_key, content_type, bytes, status)
        select id, 'tenants/' || id || '/media/a.png', 'image/png', 5000000, 'ready' from unnest(${idList(shops.billed)}) id`);
    });
    for (const id of shops.billed) await addUsage(id, period, "storefront_visits", "50100");
    workers = await Promise.all([startWorker(stripe.emu.url), startWorker(stripe.emu.url)]);
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) worker.child.kill("SIGTERM");
    await Promise.all(workers.map((w) => w.exited));
    await stripe?.close();
    await s3.stop();
  });

  it("runs each effect once although every job was queued twice", async () => {
    for (const tenantId of shops.pending) await queueTwice("tenant:provision", { tenantId, cause: "test:many-workers" });
    await queueTwice("tenant:purge-deleted", {});
    await queueTwice("tenant:end-trials", {});
    await queueTwice("billing:suspend-past-due", {});
    await queueTwice("usage:billing-run", { period: period.slice(0, 7), trigger: "test" });
    await queueTwice("usage.record-storage", {});
    await drained(90_000);

    // Both processes took jobs from the queue, and every copy ran once, plus one welcome mail job
    // per provisioned shop (queued by provisioning under a job key). Jobs the emulator's webhooks
    // may cause meanwhile (stripe:process-events) are not counted.
    const expected = {
      "tenant:provision": 2 * shops.pending.length,
      "tenant:welcome-email": shops.pending.length,
      "tenant:purge-deleted": 2,
      "tenant:end-trials": 2,
      "billing:suspend-past-due": 2,
      "usage:billing-run": 2,
      "usage.record-storage": 2,
    };
    const counted = () => {
      const counts: Record<string, number> = {};
      for (const name of workers.flatMap(completedJobs)) if (name !== "stripe:process-events") counts[name] = (counts[name] ?? 0) + 1;
      return counts;
    };
    // The last log lines may still be in the pipes when the queue is seen empty.
    const total = Object.values(expected).reduce((a, b) => a + b);
    for (let waited = 0; waited < 5_000 && Object.values(counted()).reduce((a, b) => a + b, 0) < total; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(counted()).toEqual(expected);
    expect(workers.map((w) => completedJobs(w).length > 0)).toEqual([true, true]);

    // Provisioning: one log row per transition and per step, and every shop active.
    const provisioning = await rows<{ tenant_id: string; status: string; steps: string[] }>(sql`
      select t.id as tenant_id, t.status,
        array(select l.step || ':' || coalesce(l.detail->>'to', l.status::text) from provisioning_logs l where l.tenant_id = t.id order by l.id) as steps
      from tenants t where t.id = any(${idList(shops.pending)})`);
    expect(provisioning).toHaveLength(shops.pending.length);
    for (const shop of provisioning) {
      expect(shop).toEqual({ tenant_id: shop.tenant_id, status: "active", steps: ["transition:provisioning", "welcome_email:succeeded", "transition:active"] });
    }

    // Purge: the shops are gone, each recorded once in the audit trail.
    const purged = await rows<{ left: number; audited: string[] }>(sql`
      select (select count(*)::int from tenants where id = any(${idList(shops.deleted)})) as left,
        array(select tenant_id::text from audit_log where action = 'tenant.purged' order by 1) as audited`);
    expect(purged[0]).toEqual({ left: 0, audited: [...shops.deleted].sort() });

    // Trial ends and grace-period suspensions: one transition each.
    const suspended = await rows<{ tenant_id: string; status: string; transitions: number }>(sql`
      select t.id as tenant_id, t.status,
        (select count(*)::int from provisioning_logs l where l.tenant_id = t.id and l.step = 'transition') as transitions
      from tenants t where t.id = any(${idList([...shops.trialOver, ...shops.pastDue])})`);
    expect(suspended).toHaveLength(shops.trialOver.length + shops.pastDue.length);
    for (const shop of suspended) expect(shop).toEqual({ tenant_id: shop.tenant_id, status: "suspended", transitions: 1 });

    // Billing run: one statement, line and ledger row per shop; each meter event accepted once.
    const billed = shops.billed.length;
    expect(await countRows(period)).toEqual({ statements: billed, lines: billed, ledger: billed, pending: 0 });
    const month = period.slice(0, 7);
    const meterEvents = stripe.emu.meterEventCounts().filter((c) => c.identifier.startsWith(`souk_${month}_`));
    expect(meterEvents).toHaveLength(billed);
    expect(meterEvents.filter((c) => c.accepted !== 1)).toEqual([]);
    // Daily storage usage: one event per shop with stored media.
    const storage = await rows<{ tenant_id: string; events: number }>(sql`
      select tenant_id::text, count(*)::int as events from usage_events where metric = 'storage_gb_months' group by 1`);
    expect(storage.map((r) => r.tenant_id).sort()).toEqual([...shops.billed].sort());
    expect(storage.filter((r) => r.events !== 1)).toEqual([]);

    const runs = await rows<{ status: string }>(sql`select status from billing_runs where period = ${period}::date`);
    expect(runs.map((r) => r.status).filter((s) => s !== "succeeded")).toEqual([]);
  }, 120_000);
});
