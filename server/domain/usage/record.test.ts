import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { withSystem, withTenant } from "@/server/db/tenancy";
import { makeTenant, makeUser, uniqueSuffix } from "@/test/factories";
import { closePeriod, periodOf } from "./periods";
import { neighbourPeriod, recordUsage, type UsageEventInput } from "./record";

const event = (tenantId: string, over: Partial<UsageEventInput> = {}): UsageEventInput => ({
  tenantId,
  metric: "api_calls",
  quantity: "1",
  occurredAt: new Date(),
  idempotencyKey: `k-${uniqueSuffix()}`,
  source: "api",
  ...over,
});

async function storedSum(tenantId: string, metric = "api_calls"): Promise<string> {
  const [row] = await withTenant(tenantId, (tx) => tx.execute<{ n: string | null }>(sql`select coalesce(sum(quantity), 0)::text as n from usage_events where metric = ${metric}`));
  return row!.n!;
}

describe("recordUsage", () => {
  it("stores a batch once: a replay of the same keys, in the same or a later batch, counts nothing", async () => {
    const shop = await makeTenant(await makeUser());
    const batch = [event(shop.id, { quantity: "2.5", metric: "storage_gb_months" }), event(shop.id, { quantity: "3" })];
    const first = await withTenant(shop.id, (tx) => recordUsage(tx, [...batch, batch[1]!]));
    expect(first.map((o) => o.status)).toEqual(["accepted", "accepted", "duplicate"]);
    const again = await withTenant(shop.id, (tx) => recordUsage(tx, batch));
    expect(again.map((o) => o.status)).toEqual(["duplicate", "duplicate"]);
    expect(await storedSum(shop.id)).toBe("3.000000");
    expect(await storedSum(shop.id, "storage_gb_months")).toBe("2.500000");
  });

  it("keeps keys per shop: the same key in two shops is two events", async () => {
    // One owner each: an account opens one trial shop.
    const [a, b] = await Promise.all([makeTenant(await makeUser(), "Shop A"), makeTenant(await makeUser(), "Shop B")]);
    const outcomes = await withSystem("test", (tx) => recordUsage(tx, [event(a.id, { idempotencyKey: "same" }), event(b.id, { idempotencyKey: "same" })]));
    expect(outcomes.map((o) => o.status)).toEqual(["accepted", "accepted"]);
  });

  it("dedupes across a month boundary: the same key re-sent with a time in the neighbouring month is a duplicate", async () => {
    const shop = await makeTenant(await makeUser());
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const lastSecondBefore = new Date(monthStart.getTime() - 1000);
    const firstMinuteOf = new Date(monthStart.getTime() + 60_000);
    expect(neighbourPeriod(firstMinuteOf)).toBe(periodOf(lastSecondBefore));
    // Sent first in the previous month, replayed stamped in this month (and the other way round).
    const early = await withTenant(shop.id, (tx) => recordUsage(tx, [event(shop.id, { idempotencyKey: "boundary-1", occurredAt: lastSecondBefore })], now));
    const replay = await withTenant(shop.id, (tx) => recordUsage(tx, [event(shop.id, { idempotencyKey: "boundary-1", occurredAt: firstMinuteOf })], now));
    const late = await withTenant(shop.id, (tx) => recordUsage(tx, [event(shop.id, { idempotencyKey: "boundary-2", occurredAt: firstMinuteOf })], now));
    const replayBack = await withTenant(shop.id, (tx) => recordUsage(tx, [event(shop.id, { idempotencyKey: "boundary-2", occurredAt: lastSecondBefore })], now));
    expect([early, replay, late, replayBack].map((o) => o[0]!.status)).toEqual(["accepted", "duplicate", "accepted", "duplicate"]);
    // In one batch, too.
    const both = await withTenant(shop.id, (tx) =>
      recordUsage(tx, [event(shop.id, { idempotencyKey: "boundary-3", occurredAt: lastSecondBefore }), event(shop.id, { idempotencyKey: "boundary-3", occurredAt: firstMinuteOf })], now),
    );
    expect(both.map((o) => o.status)).toEqual(["accepted", "duplicate"]);
    expect(await storedSum(shop.id)).toBe("3.000000");
  });

  it("answers each event of a mixed platform batch in order: boundary replay, other shop's same key, replay, closed month, in-batch copy, future", async () => {
    const [a, b] = await Promise.all([makeTenant(await makeUser(), "Shop A"), makeTenant(await makeUser(), "Shop B")]);
    const now = new Date("2032-06-01T12:00:00Z");
    const at = (iso: string) => new Date(iso);
    const before = await withSystem("test", (tx) =>
      recordUsage(
        tx,
        [
          event(a.id, { idempotencyKey: "may-last-hour", occurredAt: at("2032-05-31T23:00:00Z") }),
          event(b.id, { idempotencyKey: "april", occurredAt: at("2032-04-10T00:00:00Z") }),
          event(a.id, { idempotencyKey: "june", occurredAt: at("2032-06-01T10:00:00Z") }),
        ],
        now,
      ),
    );
    expect(before.map((o) => o.status)).toEqual(["accepted", "accepted", "accepted"]);
    await withSystem("test", (tx) => closePeriod(tx, "2032-04-01"));
    const outcomes = await withSystem("test", (tx) =>
      recordUsage(
        tx,
        [
          event(a.id, { idempotencyKey: "may-last-hour", occurredAt: at("2032-06-01T01:00:00Z") }),
          event(b.id, { idempotencyKey: "may-last-hour", occurredAt: at("2032-06-01T01:00:00Z") }),
          event(a.id, { idempotencyKey: "june", occurredAt: at("2032-06-01T10:00:00Z") }),
          event(b.id, { idempotencyKey: "april", occurredAt: at("2032-04-10T00:00:00Z") }),
          event(b.id, { idempotencyKey: "april-late", occurredAt: at("2032-04-11T00:00:00Z") }),
          event(a.id, { idempotencyKey: "new", occurredAt: at("2032-06-01T11:00:00Z") }),
          event(a.id, { idempotencyKey: "new", occurredAt: at("2032-06-01T11:30:00Z") }),
          event(b.id, { idempotencyKey: "future", occurredAt: at("2032-06-01T12:10:00Z") }),
        ],
        now,
      ),
    );
    expect(outcomes.map((o) => (o.status === "rejected" ? o.code : o.status))).toEqual(["duplicate", "accepted", "duplicate", "duplicate", "period_closed", "accepted", "duplicate", "future_time"]);
    expect([await storedSum(a.id), await storedSum(b.id)]).toEqual(["3.000000", "2.000000"]);
  });

  it("under a shop's door, a batch naming another shop's tenant is refused by row-level security and stores nothing", async () => {
    const [a, b] = await Promise.all([makeTenant(await makeUser(), "Shop A"), makeTenant(await makeUser(), "Shop B")]);
    const error = await withTenant(a.id, (tx) => recordUsage(tx, [event(a.id), event(b.id)])).then(
      () => null,
      (e: unknown) => e,
    );
    // drizzle wraps the database's error; the cause is PostgreSQL's own refusal.
    expect(error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)).toMatch(/row-level security/);
    expect([await storedSum(a.id), await storedSum(b.id)]).toEqual(["0", "0"]);
  });

  it("only checks the neighbouring month within a day of the boundary", () => {
    expect(neighbourPeriod(new Date("2026-11-15T12:00:00Z"))).toBeNull();
    expect(neighbourPeriod(new Date("2026-11-01T10:00:00Z"))).toBe("2026-10-01");
    expect(neighbourPeriod(new Date("2026-11-30T23:00:00Z"))).toBe("2026-12-01");
    expect(neighbourPeriod(new Date("2026-11-29T23:59:59Z"))).toBeNull();
  });

  it("refuses events in a closed (billed) period, more than 5 minutes ahead, or older than retention, and stores the valid ones", async () => {
    const shop = await makeTenant(await makeUser());
    const now = new Date("2031-05-10T12:00:00Z");
    await withSystem("test", (tx) => closePeriod(tx, "2031-04-01"));
    const known = event(shop.id, { occurredAt: new Date("2031-04-10T00:00:00Z"), idempotencyKey: "before-close" });
    // Recorded before the close: a replay after it is a duplicate, not an error.
    await withSystem("test", (tx) => tx.execute(sql`delete from closed_usage_periods where period = '2031-04-01'`));
    expect((await withTenant(shop.id, (tx) => recordUsage(tx, [known], now)))[0]!.status).toBe("accepted");
    await withSystem("test", (tx) => closePeriod(tx, "2031-04-01"));
    const outcomes = await withTenant(shop.id, (tx) =>
      recordUsage(
        tx,
        [
          event(shop.id, { occurredAt: new Date("2031-04-20T00:00:00Z") }),
          known,
          event(shop.id, { occurredAt: new Date(now.getTime() + 6 * 60_000) }),
          event(shop.id, { occurredAt: new Date(now.getTime() + 4 * 60_000) }),
          event(shop.id, { occurredAt: new Date("2029-01-01T00:00:00Z") }),
          event(shop.id, { occurredAt: now }),
        ],
        now,
      ),
    );
    expect(outcomes.map((o) => (o.status === "rejected" ? o.code : o.status))).toEqual(["period_closed", "duplicate", "future_time", "accepted", "too_old", "accepted"]);
  });
});
