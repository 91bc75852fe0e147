import { spawn, type ChildProcess } from "node:child_process";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSystem } from "@/server/db/tenancy";
import { addUsage, countRows, lastPeriod, makeShops } from "@/test/billing-fixtures";
import { startStripeHarness, type StripeHarness } from "@/test/stripe-harness";

/**
 * The real thing: `npm run billing:run` as a child process, killed with SIGKILL while it bills,
 * then started again. Counted afterwards: statements, lines, ledger rows and the meter events
 * the Stripe emulator accepted, per identifier.
 */
const period = lastPeriod();
const month = period.slice(0, 7);
const TENANTS = 600;
let stripe: StripeHarness;

beforeAll(async () => {
  stripe = await startStripeHarness();
  const shops = await makeShops(TENANTS);
  for (let i = 0; i < shops.length; i += 50) await Promise.all(shops.slice(i, i + 50).map((id) => addUsage(id, period, "storefront_visits", "50100")));
});
afterAll(() => stripe.close());

function startCli(logLevel = "silent"): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STRIPE_API_BASE: stripe.emu.url,
    // Small batches, one at a time: slow enough to be killed in the middle.
    BILLING_BATCH_TENANTS: "5",
    BILLING_MAX_DB_JOBS: "1",
    BILLING_MAX_WORKERS: "1",
    LOG_LEVEL: logLevel,
  };
  delete env.STRIPE_SECRET_KEY;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/billing-run.ts", "--period", month], { cwd: process.cwd(), env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

describe("npm run billing:run", () => {
  it("finishes after a SIGKILL mid-run with every statement, line and meter event exactly once", async () => {
    const first = startCli();
    let atKill = 0;
    for (;;) {
      atKill = (await countRows(period)).statements;
      if (atKill >= 100) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.signal).toBe("SIGKILL");
    const afterKill = await countRows(period);
    expect(afterKill.statements).toBeLessThan(TENANTS); // really killed in the middle

    // Logging on this time: the log lines go to stderr, so stdout is the report alone.
    const second = startCli("info");
    const finished = await second.done;
    expect({ code: finished.code, stderr: finished.stderr.includes("billing run failed") }).toEqual({ code: 0, stderr: false });
    expect(finished.stdout).toMatch(new RegExp(`^billing run \\S+ for ${month}: succeeded\nprocessed ${TENANTS} events for ${TENANTS} tenants: .*\nduration .* ops/s\n$`));
    expect(finished.stderr).toContain('"msg":"billing run finished"');

    expect(await countRows(period)).toEqual({ statements: TENANTS, lines: TENANTS, ledger: TENANTS, pending: 0 });
    const counts = stripe.emu.meterEventCounts().filter((c) => c.identifier.startsWith(`souk_${month}_`));
    expect(counts).toHaveLength(TENANTS);
    expect(counts.filter((c) => c.accepted !== 1)).toEqual([]);
    const runs = await withSystem("test", (tx) => tx.execute<{ status: string; error: string | null }>(sql`select status, error from billing_runs where period = ${period}::date order by started_at`));
    expect(runs.map((r) => r.status)).toEqual(["failed", "succeeded"]);
    expect(runs[0]!.error).toMatch(/Interrupted/);
  }, 120_000);

  it("refuses a bad period with exit code 2", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "silent" };
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/billing-run.ts", "--period", "2026-13"], { cwd: process.cwd(), env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/YYYY-MM/);
  }, 60_000);
});
