import { run, type Runner } from "graphile-worker";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { withSystem } from "@/server/db/tenancy";
import { env } from "@/server/env";
import { startMetricsServer } from "@/server/observability/metrics-server";
import { parseExposition } from "@/test/prometheus";
import { defineJob } from "./define";
import { taskList } from "./index";
import { jobQueueDepth, watchJobs } from "./job-metrics";
import { enqueueJob } from "./queue";
import { workerLogger } from "./worker-logger";

/** A job that succeeds or fails as its payload says, and says when it has run. */
const ran: string[] = [];
const probeJob = defineJob({
  name: "test.metrics-probe",
  schema: z.object({ id: z.string(), fail: z.boolean() }),
  maxAttempts: 1,
  async handle({ id, fail }) {
    ran.push(id);
    if (fail) throw new Error(`probe ${id} fails on purpose`);
  },
});

const token = "worker-metrics-token-0123456789";
let runner: Runner;
let pgPool: pg.Pool;
let server: Awaited<ReturnType<typeof startMetricsServer>>;

beforeAll(async () => {
  pgPool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 3 });
  pgPool.on("error", () => {});
  runner = await run({ pgPool, concurrency: 2, noHandleSignals: true, pollInterval: 50, taskList: taskList([probeJob]), logger: workerLogger });
  watchJobs(runner);
  server = await startMetricsServer({ host: "127.0.0.1", port: 0, token });
});

afterAll(async () => {
  await server?.close();
  await runner?.stop();
  await pgPool?.end();
});

const scrape = (authorization?: string) => fetch(server.url, { headers: authorization ? { authorization } : {} });

/** Waits until the worker has run the probes, polling what the worker wrote (not a clock). */
async function until(condition: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 400 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 25));
  expect(await condition()).toBe(true);
}

describe("the worker's metrics port", () => {
  it("answers 404 without the token, with a wrong one, and on any other path", async () => {
    expect((await scrape()).status).toBe(404);
    expect((await scrape("Bearer not-the-token-0123456789")).status).toBe(404);
    expect((await fetch(server.url.replace(/\/metrics$/, "/"), { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it("reports jobs run, their time waiting and running, and the queue's depth by task and state", async () => {
    await withSystem("test", async (tx) => {
      await enqueueJob(tx, probeJob, { id: "ok", fail: false });
      await enqueueJob(tx, probeJob, { id: "bad", fail: true });
      await enqueueJob(tx, probeJob, { id: "later", fail: false }, { runAt: new Date(Date.now() + 3_600_000) });
    });
    await until(() => ran.includes("ok") && ran.includes("bad"));
    // The failure is written after the handler throws: wait for the queue to show it.
    await until(async () => (await jobQueueDepth()).some((r) => r.state === "failed"));

    const res = await scrape(`Bearer ${token}`);
    expect(res.status).toBe(200);
    const exposition = parseExposition(await res.text());
    expect(exposition.type("souk_job_duration_seconds")).toBe("HISTOGRAM");
    expect(exposition.observed("souk_job_duration_seconds")).toBe(true);
    expect(exposition.observed("souk_job_queue_delay_seconds")).toBe(true);
    expect(exposition.total("souk_job_queue_depth", { task: "test.metrics-probe", state: "scheduled" })).toBe(1);
    expect(exposition.total("souk_job_queue_depth", { task: "test.metrics-probe", state: "failed" })).toBe(1);
    expect(exposition.total("souk_job_queue_depth", { task: "test.metrics-probe", state: "ready" })).toBe(0);
    expect(exposition.total("souk_db_pool_connections", { pool: "app", state: "max" })).toBe(env.DATABASE_POOL_SIZE);
  });
});
