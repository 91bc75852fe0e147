import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { capturedMails, mediaAssets, plans, tenants } from "@/server/db/schema";
import { withSystem, withTenant } from "@/server/db/tenancy";
import { callerFor, makeTenant, makeUser } from "@/test/factories";
import { listUsagePartitions, maintainUsagePartitions, recordDailyStorage } from "./maintenance";
import { checkUsageAlerts } from "./overview";
import { recordUsage } from "./record";
import { runDueJobs } from "@/server/jobs/run-once";

describe("usage upkeep", () => {
  it("creates the coming months' partitions and drops those past retention (and their rows) with DROP", async () => {
    const shop = await makeTenant(await makeUser());
    const now = new Date("2031-06-15T00:00:00Z");
    // Rows in an old month (kept at the time they were recorded) and in a recent one.
    await withTenant(shop.id, (tx) => recordUsage(tx, [{ tenantId: shop.id, metric: "api_calls", quantity: "1", occurredAt: new Date("2030-01-10T00:00:00Z"), idempotencyKey: "old", source: "api" }], new Date("2030-01-20T00:00:00Z")));
    await withTenant(shop.id, (tx) => recordUsage(tx, [{ tenantId: shop.id, metric: "api_calls", quantity: "1", occurredAt: new Date("2031-05-10T00:00:00Z"), idempotencyKey: "recent", source: "api" }], now));
    const result = await withSystem("test", (tx) => maintainUsagePartitions(tx, now, 13));
    expect(result.created).toEqual(["2031-06-01", "2031-07-01", "2031-08-01"]);
    expect(result.dropped).toContain("2030-01-01");
    expect(result.dropped.every((p) => p < "2030-05-01")).toBe(true);
    const periods = (await withSystem("test", (tx) => listUsagePartitions(tx))).map((p) => p.period);
    expect(periods).toEqual(expect.arrayContaining(["2031-05-01", "2031-06-01", "2031-08-01"]));
    expect(periods.some((p) => p < "2030-05-01")).toBe(false);
    const keys = await withTenant(shop.id, (tx) => tx.execute<{ k: string }>(sql`select idempotency_key as k from usage_events where idempotency_key in ('old', 'recent')`));
    expect(keys.map((r) => r.k)).toEqual(["recent"]);
    // A second run has nothing left to do.
    expect(await withSystem("test", (tx) => maintainUsagePartitions(tx, now, 13))).toEqual({ created: [], dropped: [] });
  });

  it("records each day's stored media as storage_gb_months once, however often the job runs", async () => {
    const shop = await makeTenant(await makeUser());
    await withTenant(shop.id, (tx) =>
      tx.insert(mediaAssets).values(["a", "b"].map((n) => ({ tenantId: shop.id, objectKey: `tenants/${shop.id}/media/${n}.png`, contentType: "image/png", bytes: 1.5 * 1024 ** 3, status: "ready" as const }))),
    );
    const now = new Date();
    const first = await withSystem("test", (tx) => recordDailyStorage(tx, now));
    const again = await withSystem("test", (tx) => recordDailyStorage(tx, now));
    expect(first.filter((o) => o.status === "accepted").length).toBeGreaterThanOrEqual(1);
    expect(again.every((o) => o.status === "duplicate")).toBe(true);
    const days = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate();
    const [row] = await withTenant(shop.id, (tx) => tx.execute<{ q: string }>(sql`select sum(quantity)::text as q from usage_events where metric = 'storage_gb_months'`));
    expect(row!.q).toBe((Math.round((3 / days) * 1e6) / 1e6).toFixed(6));
  });

  it("mails owners once at 80 % and once at 100 % of an included quantity, and the Usage page shows used, included and projected overage exactly", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    await withSystem("test", (tx) => tx.update(tenants).set({ plan: "starter", status: "active" }).where(eq(tenants.id, shop.id)));
    const [starter] = await withSystem("test", (tx) => tx.select().from(plans).where(eq(plans.id, "starter")));
    const included = starter!.includedUsage.api_calls!;
    const record = (quantity: number, key: string) =>
      withTenant(shop.id, (tx) => recordUsage(tx, [{ tenantId: shop.id, metric: "api_calls", quantity: String(quantity), occurredAt: new Date(), idempotencyKey: key, source: "api" }]));
    await record(included * 0.5, "half");
    expect((await checkUsageAlerts()).filter((a) => a.tenantId === shop.id)).toEqual([]);
    await record(included * 0.3, "eighty");
    expect((await checkUsageAlerts()).filter((a) => a.tenantId === shop.id)).toEqual([{ tenantId: shop.id, metric: "api_calls", threshold: 80 }]);
    expect((await checkUsageAlerts()).filter((a) => a.tenantId === shop.id)).toEqual([]);
    await record(included * 0.25, "over");
    expect((await checkUsageAlerts()).filter((a) => a.tenantId === shop.id)).toEqual([{ tenantId: shop.id, metric: "api_calls", threshold: 100 }]);
    await checkUsageAlerts();
    await runDueJobs();
    const mails = await withSystem("test", (tx) => tx.select().from(capturedMails).where(eq(capturedMails.to, owner.email)));
    expect(mails.filter((m) => /API calls/i.test(m.subject)).length).toBe(2);

    const overview = await callerFor(owner.id).usage.overview({ tenantSlug: shop.slug });
    const api = overview.metrics.find((m) => m.metric === "api_calls")!;
    expect(api.used).toBe(`${included * 1.05}.000000`);
    expect(api.included).toBe(String(included));
    expect(api.percentOfIncluded).toBe(105);
    expect(api.overagePrice).toBe("0.001");
    // Projection ≥ used, so the overage cost is at least the overage so far (5 % × included × price), exact to 3 decimals.
    expect(Number(api.projectedOverageCost)).toBeGreaterThanOrEqual(included * 0.05 * 0.001);
    expect(api.projectedOverageCost).toMatch(/^\d+\.\d{3}$/);
    expect(overview.alerts.map((a) => a.threshold).sort()).toEqual([100, 80]);
    expect(overview.daily.at(-1)!.api_calls).toBe(included * 1.05);
    const billing = await callerFor(owner.id).subscriptions.overview({ tenantSlug: shop.slug });
    expect(billing.usage.find((u) => u.limit === "apiCallsPerMonth")!.used).toBe(included * 1.05);
  });
});
