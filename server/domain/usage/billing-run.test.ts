import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { billingRuns, meterEventReports, plans, provisioningLogs, tenants, usageStatementLines, usageStatements } from "@/server/db/schema";
import { withSystem, withSystemSession } from "@/server/db/tenancy";
import { DomainError } from "@/server/domain/errors";
import { addUsage, countRows, customerOf, lastPeriod, makeShops, resetPeriod } from "@/test/billing-fixtures";
import { startStripeHarness, type StripeHarness } from "@/test/stripe-harness";
import { meterEventIdentifier, runBilling } from "./billing-run";
import { periodBounds } from "./periods";

const period = lastPeriod();
const month = period.slice(0, 7);
let stripe: StripeHarness;

beforeAll(async () => {
  stripe = await startStripeHarness();
  // A KWD plan, to price in a currency with three decimals.
  await withSystem("test-plan", (tx) =>
    tx.insert(plans).values({
      id: "kwd_test",
      name: "KWD test",
      monthlyPrice: "15.000",
      currency: "KWD",
      stripeLookupKey: "souk_kwd_test_monthly",
      maxProducts: 10,
      maxTeamMembers: 2,
      maxStorageBytes: 1,
      maxApiCallsPerMonth: 10,
      includedUsage: { api_calls: 1000 },
      overagePrices: { api_calls: "0.0005" },
    }),
  );
});
afterAll(() => stripe.close());
beforeEach(async () => {
  await resetPeriod(period);
  stripe.emu.reset();
});

const lines = (tenantId: string) =>
  withSystem("test", (tx) => tx.select().from(usageStatementLines).where(and(eq(usageStatementLines.tenantId, tenantId), eq(usageStatementLines.period, period))).orderBy(usageStatementLines.metric));
const statement = async (tenantId: string) =>
  (await withSystem("test", (tx) => tx.select().from(usageStatements).where(and(eq(usageStatements.tenantId, tenantId), eq(usageStatements.period, period)))))[0];
const runsOf = () => withSystem("test", (tx) => tx.select().from(billingRuns).where(eq(billingRuns.period, period)).orderBy(billingRuns.startedAt));
/** Meter events Stripe accepted for our identifiers, with how often each was accepted and received. */
const meterCounts = () => stripe.emu.meterEventCounts().filter((c) => c.identifier.startsWith(`souk_${month}_`));

describe("runBilling", () => {
  it("prices within quota, overage, fractions and a KWD plan exactly, and reports paid overage to Stripe once", async () => {
    const [paid] = await makeShops(1, { plan: "starter" });
    const [trial] = await makeShops(1, { plan: "trial", paid: false });
    const [kwd] = await makeShops(1, { plan: "kwd_test", currency: "KWD" });
    await addUsage(paid!, period, "storefront_visits", "51235", 7); // 1235 over × 0.002 = 2.47
    await addUsage(paid!, period, "api_calls", "90000", 3); // within 100,000
    await addUsage(paid!, period, "storage_gb_months", "5.123456", 2); // 0.123456 × 0.1 = 0.0123456 → 0.01
    await addUsage(trial!, period, "api_calls", "12000", 4); // over the trial's quota, but no overage price
    await addUsage(kwd!, period, "api_calls", "2001", 5); // 1001 × 0.0005 = 0.5005 → KWD 0.501

    const result = await runBilling({ period: month, trigger: "test" });
    expect(result).toMatchObject({ period, events: 21, eventsTotal: 21, tenants: 3, tenantsTotal: 3, lines: 5, reported: 3 });

    expect((await lines(paid!)).map((l) => [l.metric, l.quantity, l.included, l.billable, l.unitPrice, l.amount, l.currency])).toEqual([
      ["api_calls", "90000.000000", "100000.000000", "0.000000", "0.00100000", "0.000", "EUR"],
      ["storage_gb_months", "5.123456", "5.000000", "0.123456", "0.10000000", "0.010", "EUR"],
      ["storefront_visits", "51235.000000", "50000.000000", "1235.000000", "0.00200000", "2.470", "EUR"],
    ]);
    expect(await statement(paid!)).toMatchObject({ plan: "starter", currency: "EUR", total: "2.480", events: 12 });
    expect(await statement(trial!)).toMatchObject({ plan: "trial", total: "0.000" });
    expect((await lines(trial!)).map((l) => [l.billable, l.amount])).toEqual([["2000.000000", "0.000"]]);
    expect(await statement(kwd!)).toMatchObject({ plan: "kwd_test", currency: "KWD", total: "0.501" });

    // Stripe got the billable quantities of paid shops only (no zero lines, no trial), once each.
    const { end } = periodBounds(period);
    const sent = stripe.emu.meterEvents().filter((e) => e.identifier.startsWith(`souk_${month}_`));
    expect(sent.map((e) => [e.identifier, e.event_name, e.payload.stripe_customer_id, e.payload.value, e.timestamp]).sort()).toEqual(
      [
        [meterEventIdentifier(period, kwd!, "api_calls"), "souk_api_calls", customerOf(kwd!), "1001", end.getTime() / 1000 - 1],
        [meterEventIdentifier(period, paid!, "storage_gb_months"), "souk_storage_gb_months", customerOf(paid!), "0.123456", end.getTime() / 1000 - 1],
        [meterEventIdentifier(period, paid!, "storefront_visits"), "souk_storefront_visits", customerOf(paid!), "1235", end.getTime() / 1000 - 1],
      ].sort(),
    );
    expect(await countRows(period)).toEqual({ statements: 3, lines: 5, ledger: 3, pending: 0 });
    const [run] = await runsOf();
    expect(run).toMatchObject({ status: "succeeded", trigger: "test", events: 21, tenants: 3, statementLines: 5, eventsReported: 3, error: null });
    expect(run!.durationMs).toBeGreaterThan(0);
    expect(Number(run!.eventsPerSecond)).toBeGreaterThan(0);
    // The period is closed: ingestion refuses its late events from now on.
    const closed = await withSystem("test", (tx) => tx.execute<{ n: number }>(sql`select count(*)::int as n from closed_usage_periods where period = ${period}::date`));
    expect(closed[0]!.n).toBe(1);
  });

  it("bills AI tokens beyond a paid plan's quota and reports them on the souk_ai_tokens meter; a trial's are never billed", async () => {
    const [paid] = await makeShops(1, { plan: "starter" });
    const [trial] = await makeShops(1, { plan: "trial", paid: false });
    await addUsage(paid!, period, "ai_tokens", "250000", 4); // 50,000 over 200,000 × EUR 0.00002 = 1.00
    await addUsage(trial!, period, "ai_tokens", "20000", 2); // at the trial's quota: no overage price

    await runBilling({ period: month, trigger: "test" });
    expect((await lines(paid!)).map((l) => [l.metric, l.quantity, l.included, l.billable, l.unitPrice, l.amount])).toEqual([
      ["ai_tokens", "250000.000000", "200000.000000", "50000.000000", "0.00002000", "1.000"],
    ]);
    expect(await statement(paid!)).toMatchObject({ total: "1.000" });
    expect(await statement(trial!)).toMatchObject({ total: "0.000" });
    const sent = stripe.emu.meterEvents().filter((e) => e.identifier.startsWith(`souk_${month}_`));
    expect(sent.map((e) => [e.identifier, e.event_name, e.payload.value])).toEqual([[meterEventIdentifier(period, paid!, "ai_tokens"), "souk_ai_tokens", "50000"]]);
  });

  it("prices by the plan in force at the period's end", async () => {
    const [upgraded, changedLater] = await makeShops(2, { plan: "pro" });
    const { start, end } = periodBounds(period);
    const mid = new Date((start.getTime() + end.getTime()) / 2);
    const after = new Date(end.getTime() + 3_600_000);
    await withSystem("test", async (tx) => {
      // Upgraded starter → pro mid-period: the whole month is priced as pro.
      await tx.insert(provisioningLogs).values({ tenantId: upgraded!, step: "plan_change", status: "succeeded", cause: "test", detail: { from: "starter", to: "pro" }, createdAt: mid });
      // Was pro at the end, moved to museum after it (current plan museum): still priced as pro.
      await tx.update(tenants).set({ plan: "museum" }).where(eq(tenants.id, changedLater!));
      await tx.insert(provisioningLogs).values({ tenantId: changedLater!, step: "plan_change", status: "succeeded", cause: "test", detail: { from: "pro", to: "museum" }, createdAt: after });
    });
    await addUsage(upgraded!, period, "api_calls", "1000100"); // pro: 100 over × 0.0005 = 0.05
    await addUsage(changedLater!, period, "api_calls", "1000100");
    await runBilling({ period: month, trigger: "test" });
    expect(await statement(upgraded!)).toMatchObject({ plan: "pro", total: "0.050" });
    expect(await statement(changedLater!)).toMatchObject({ plan: "pro", total: "0.050" });
  });

  it("changes nothing when run again, even after Stripe forgot the identifiers", async () => {
    const shops = await makeShops(5);
    for (const id of shops) await addUsage(id, period, "storefront_visits", "60000", 3);
    await runBilling({ period: month, trigger: "test" });
    const before = await countRows(period);
    const statementsBefore = await withSystem("test", (tx) => tx.select().from(usageStatements).where(eq(usageStatements.period, period)));
    expect(before).toEqual({ statements: 5, lines: 5, ledger: 5, pending: 0 });

    stripe.emu.advanceTime(2 * 86_400); // beyond Stripe's 24 h dedupe: only our ledger stands between us and a double charge
    const again = await runBilling({ period: month, trigger: "test" });
    expect(again).toMatchObject({ events: 15, tenants: 5, reported: 0 });
    expect(await countRows(period)).toEqual(before);
    expect(await withSystem("test", (tx) => tx.select().from(usageStatements).where(eq(usageStatements.period, period)))).toEqual(statementsBefore);
    expect(meterCounts().map((c) => [c.accepted, c.received])).toEqual(shops.map(() => [1, 1]));
    expect((await runsOf()).map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
  });

  it("resumes after a failure at a tenant: the failed run is recorded, the next one completes it once", async () => {
    const shops = await makeShops(6);
    for (const id of shops) await addUsage(id, period, "api_calls", "100500", 2);
    const poisoned = [...shops].sort()[3]!; // tenant order is the stream's order: batches before it commit
    await withSystem("test", async (tx) => {
      await tx.execute(sql.raw(`create function fail_statement() returns trigger language plpgsql as $$ begin
        if new.tenant_id = '${poisoned}' then raise exception 'injected failure at tenant %', new.tenant_id; end if; return new; end $$`));
      await tx.execute(sql`create trigger fail_statement before insert on usage_statements for each row execute function fail_statement()`);
    });
    await expect(runBilling({ period: month, trigger: "test", batchTenants: 1, maxDbJobs: 1 })).rejects.toThrow(/injected failure at tenant/);
    const [failed] = await runsOf();
    expect(failed).toMatchObject({ status: "failed" });
    expect(failed!.error).toMatch(/injected failure at tenant/);
    const partial = await countRows(period);
    expect(partial.statements).toBeGreaterThanOrEqual(3);
    expect(partial.statements).toBeLessThan(6);
    expect(await statement(poisoned)).toBeUndefined();

    await withSystem("test", (tx) => tx.execute(sql`drop trigger fail_statement on usage_statements; drop function fail_statement()`));
    const resumed = await runBilling({ period: month, trigger: "test", batchTenants: 1 });
    expect(resumed.reported).toBe(6 - partial.ledger);
    expect(await countRows(period)).toEqual({ statements: 6, lines: 6, ledger: 6, pending: 0 });
    expect(meterCounts().map((c) => c.accepted)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it("resumes after a failure at a Stripe report whose events Stripe had already accepted, without a duplicate", async () => {
    const shops = await makeShops(250);
    for (const id of shops) await addUsage(id, period, "storefront_visits", "50001");
    // Every stream request fails after Stripe accepted its events (a lost response), past the SDK's retries.
    stripe.emu.failMeterEventStream({ requests: 1_000, afterAccepting: true });
    await expect(runBilling({ period: month, trigger: "test", batchTenants: 100 })).rejects.toThrow(/after the events were accepted/);
    const afterFailure = await countRows(period);
    expect(afterFailure.statements).toBeGreaterThan(0);
    expect(afterFailure.pending).toBe(afterFailure.ledger);
    expect((await runsOf())[0]).toMatchObject({ status: "failed" });

    stripe.emu.failMeterEventStream({ requests: 0 });
    const resumed = await runBilling({ period: month, trigger: "test", batchTenants: 100 });
    expect(resumed.reported).toBe(250);
    expect(await countRows(period)).toEqual({ statements: 250, lines: 250, ledger: 250, pending: 0 });
    const counts = meterCounts();
    expect(counts).toHaveLength(250);
    expect(counts.every((c) => c.accepted === 1)).toBe(true);
    expect(counts.some((c) => c.received > 1)).toBe(true); // re-sent, and deduplicated by Stripe within the day
  });

  it("resumes after Stripe refused a report outright", async () => {
    const shops = await makeShops(3);
    for (const id of shops) await addUsage(id, period, "api_calls", "100001");
    stripe.emu.failMeterEventStream({ requests: 1_000 });
    await expect(runBilling({ period: month, trigger: "test" })).rejects.toThrow(/injected by the emulator/);
    expect(meterCounts()).toEqual([]);
    stripe.emu.failMeterEventStream({ requests: 0 });
    await runBilling({ period: month, trigger: "test" });
    expect(meterCounts().map((c) => c.accepted)).toEqual([1, 1, 1]);
    expect((await countRows(period)).pending).toBe(0);
  });

  it("refuses a second run of a period while one is running, and never bills twice", async () => {
    const shops = await makeShops(40);
    for (const id of shops) await addUsage(id, period, "api_calls", "100002");
    // A run holds the period's lock: another session asking for it is refused at once.
    await withSystemSession("test-hold", async (session) => {
      await session`select pg_advisory_lock(hashtext('billing_run'), ${period}::date - date '2000-01-01')`;
      const refused = await runBilling({ period: month, trigger: "test" }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DomainError);
      expect((refused as DomainError).code).toBe("conflict");
    });
    expect(await runsOf()).toEqual([]);
    expect(await countRows(period)).toMatchObject({ statements: 0 });

    // Two started at once: one bills, the other is refused (or, if the first already finished, finds nothing left).
    const outcomes = await Promise.allSettled([
      runBilling({ period: month, trigger: "test", batchTenants: 2 }),
      runBilling({ period: month, trigger: "test", batchTenants: 2 }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled").length).toBeGreaterThanOrEqual(1);
    for (const o of outcomes) if (o.status === "rejected") expect((o.reason as DomainError).code).toBe("conflict");
    expect(await countRows(period)).toEqual({ statements: 40, lines: 40, ledger: 40, pending: 0 });
    expect(meterCounts().every((c) => c.accepted === 1 && c.received === 1)).toBe(true);
  });

  it("refuses a period that is not a month or has not ended, changing nothing", async () => {
    const thisMonth = new Date().toISOString().slice(0, 7);
    for (const bad of ["2026-13", "november", thisMonth]) {
      const error = await runBilling({ period: bad, trigger: "test" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe("bad_request");
      expect((error as DomainError).fieldErrors?.period).toBeDefined();
    }
    const all = await withSystem("test", (tx) => tx.select().from(billingRuns));
    expect(all).toEqual([]);
  });

  it("marks a run left 'running' by a killed process as interrupted when the period is run again", async () => {
    await withSystem("test", (tx) => tx.insert(billingRuns).values({ period, trigger: "cli", status: "running" }));
    await runBilling({ period: month, trigger: "test" });
    const runs = await runsOf();
    expect(runs.map((r) => r.status)).toEqual(["failed", "succeeded"]);
    expect(runs[0]!.error).toMatch(/Interrupted/);
  });

  it("keeps the ledger rows a shop may read", async () => {
    const [shop] = await makeShops(1);
    await addUsage(shop!, period, "api_calls", "100010");
    await runBilling({ period: month, trigger: "test" });
    const [row] = await withSystem("test", (tx) => tx.select().from(meterEventReports).where(eq(meterEventReports.tenantId, shop!)));
    expect(row).toMatchObject({ status: "reported", identifier: meterEventIdentifier(period, shop!, "api_calls"), value: "10.000000" });
    expect(row!.reportedAt).toBeInstanceOf(Date);
  });

  it("does not blindly re-send an event attempted over a day ago, beyond Stripe's dedupe; sends it once cleared", async () => {
    const [shop] = await makeShops(1);
    await addUsage(shop!, period, "api_calls", "100020");
    stripe.emu.failMeterEventStream({ requests: 1_000 });
    await expect(runBilling({ period: month, trigger: "test" })).rejects.toThrow();
    stripe.emu.failMeterEventStream({ requests: 0 });
    await withSystem("test", (tx) => tx.update(meterEventReports).set({ attemptedAt: new Date(Date.now() - 2 * 86_400_000) }).where(eq(meterEventReports.tenantId, shop!)));
    await expect(runBilling({ period: month, trigger: "test" })).rejects.toThrow(/1 meter event\(s\) of .* sent over a day ago/);
    expect(meterCounts()).toEqual([]);
    expect((await runsOf()).at(-1)!.error).toMatch(/check them in Stripe/);
    // The operator checked Stripe: not there. Clearing the attempt lets the next run send it.
    await withSystem("test", (tx) => tx.update(meterEventReports).set({ attemptedAt: null }).where(eq(meterEventReports.tenantId, shop!)));
    await runBilling({ period: month, trigger: "test" });
    expect(meterCounts().map((c) => c.accepted)).toEqual([1]);
  });

  it("renews the meter event session when Stripe says it expired", async () => {
    const [first, second] = await makeShops(2);
    await addUsage(first!, period, "api_calls", "100030");
    await runBilling({ period: month, trigger: "test" });
    stripe.emu.advanceTime(20 * 60); // the 15-minute session token is now stale
    await addUsage(second!, period, "api_calls", "100040"); // (written straight to the table; ingestion would refuse it)
    const again = await runBilling({ period: month, trigger: "test" });
    expect(again.reported).toBe(1);
    expect(meterCounts().map((c) => c.accepted)).toEqual([1, 1]);
  });
});
