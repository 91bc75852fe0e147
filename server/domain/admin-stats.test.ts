import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { usageEvents } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { enqueueJobByName } from "@/server/jobs/queue";
import { makeTenant, makeUser, setTenantStatus, uniqueSuffix } from "@/test/factories";
import { platformStats } from "./admin-stats";

const jobKey = `admin-stats-test-${uniqueSuffix()}`;

afterAll(async () => {
  await withSystem("test", (tx) => tx.execute(sql`select graphile_worker.remove_job(${jobKey})`));
});

describe("platformStats", () => {
  it("counts tenants by status and plan, today's events and the job queue", async () => {
    const before = await platformStats();
    const shop = await makeTenant(await makeUser("Stats Owner"));
    await setTenantStatus(shop.id, "suspended");
    const now = new Date();
    const period = `${now.toISOString().slice(0, 7)}-01`;
    await withSystem("test", (tx) =>
      tx.insert(usageEvents).values({ tenantId: shop.id, period, idempotencyKey: `stats-${uniqueSuffix()}`, metric: "api_calls", quantity: "1", occurredAt: now, source: "api" }),
    );
    // A job for next year: no worker takes it during the test.
    await withSystem("test", (tx) => enqueueJobByName(tx, "admin-stats-test", {}, { jobKey, runAt: new Date(Date.now() + 365 * 86_400_000) }));

    const after = await platformStats();
    expect(after.tenants).toBeGreaterThanOrEqual(before.tenants + 1);
    expect(after.statuses.suspended).toBeGreaterThanOrEqual(before.statuses.suspended! + 1);
    const row = after.byPlan.find((r) => r.plan === shop.plan && r.status === "suspended");
    const was = before.byPlan.find((r) => r.plan === shop.plan && r.status === "suspended")?.n ?? 0;
    expect(row?.n).toBeGreaterThanOrEqual(was + 1);
    expect(after.eventsToday.usage).toBeGreaterThanOrEqual(before.eventsToday.usage + 1);
    expect(after.queue.scheduled).toBeGreaterThanOrEqual(1);
    expect(after.queue.total).toBe(after.queue.ready + after.queue.running + after.queue.scheduled + after.queue.failed);
    expect(Array.isArray(after.mrr)).toBe(true);
  });
});
