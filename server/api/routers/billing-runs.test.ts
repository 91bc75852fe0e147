import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { runDueJobs } from "@/server/jobs/run-once";
import { addUsage, countRows, lastPeriod, makeShops, resetPeriod } from "@/test/billing-fixtures";
import { callerFor, makeUser } from "@/test/factories";
import { startStripeHarness, type StripeHarness } from "@/test/stripe-harness";
import { codeOf } from "@/test/trpc";
import { createApiContext } from "@/server/api/trpc";
import { createCaller } from "@/server/api/root";

const period = lastPeriod();
let stripe: StripeHarness;
let adminId: string;

beforeAll(async () => {
  stripe = await startStripeHarness();
  const admin = await makeUser("Platform Admin");
  await withSystem("test", (tx) => tx.update(users).set({ isPlatformAdmin: true }).where(eq(users.id, admin.id)));
  adminId = admin.id;
  await resetPeriod(period);
});
afterAll(() => stripe.close());

describe("billingRuns router", () => {
  it("is for platform admins only: not members, not an impersonating admin", async () => {
    const someone = await makeUser("Shop Owner");
    expect(await codeOf(callerFor(someone.id).billingRuns.list())).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(someone.id).billingRuns.start({ period: period.slice(0, 7) }))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(null).billingRuns.list())).toBe("UNAUTHORIZED");
    const impersonating = createCaller(createApiContext({ userId: adminId, impersonatorUserId: someone.id }));
    expect(await codeOf(impersonating.billingRuns.list())).toBe("FORBIDDEN");
  });

  it("refuses a bad or unfinished period with a field error and queues nothing", async () => {
    const admin = callerFor(adminId);
    for (const bad of ["2026-13", new Date().toISOString().slice(0, 7)]) {
      const error = await admin.billingRuns.start({ period: bad }).catch((e: unknown) => e);
      expect(await codeOf(Promise.reject(error))).toBe("BAD_REQUEST");
    }
    const jobs = await withSystem("test", (tx) => tx.execute<{ n: number }>(sql`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'usage:billing-run'`));
    expect(jobs[0]!.n).toBe(0);
  });

  it("queues a run that the worker executes, then lists it with its figures", async () => {
    const shops = await makeShops(3);
    for (const id of shops) await addUsage(id, period, "api_calls", "100003", 2);
    const admin = callerFor(adminId);
    expect(await admin.billingRuns.start({ period: period.slice(0, 7) })).toEqual({ period: period.slice(0, 7), queued: true });
    // A second click while the first waits is the same job (job key).
    await admin.billingRuns.start({ period: period.slice(0, 7) });
    await runDueJobs();
    expect(await countRows(period)).toEqual({ statements: 3, lines: 3, ledger: 3, pending: 0 });
    const runs = await admin.billingRuns.list();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ period, status: "succeeded", trigger: `admin:${adminId}`, events: 6, tenants: 3, statementLines: 3, eventsReported: 3 });
    expect(await admin.billingRuns.byIds({ ids: [runs[0]!.id] })).toEqual(runs);
  });
});
