import { describe, expect, it } from "vitest";
import { withSystem, withTenant } from "@/server/db/tenancy";
import { makeTenant, makeUser } from "@/test/factories";
import { closePeriod, lockOpenPeriods, parsePeriod, periodBounds, periodOf } from "./periods";

describe("usage periods", () => {
  it("parses and bounds UTC months", () => {
    expect(parsePeriod("2026-11")).toBe("2026-11-01");
    expect(parsePeriod("2026-11-01")).toBe("2026-11-01");
    expect(parsePeriod("2026-13")).toBeNull();
    expect(parsePeriod("2026-11-02")).toBeNull();
    expect(periodOf(new Date("2026-11-30T23:59:59.999Z"))).toBe("2026-11-01");
    expect(periodOf(new Date("2026-12-01T00:00:00.000Z"))).toBe("2026-12-01");
    const { start, end } = periodBounds("2026-12-01");
    expect([start.toISOString(), end.toISOString()]).toEqual(["2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
  });

  it("reports closed periods to writers, and a close waits for writers in flight", async () => {
    const tenant = await makeTenant(await makeUser());
    await withSystem("test", (tx) => closePeriod(tx, "2026-09-01"));
    const closed = await withTenant(tenant.id, (tx) => lockOpenPeriods(tx, ["2026-09-01", "2026-10-01", "2026-10-01"]));
    expect([...closed]).toEqual(["2026-09-01"]);

    // A writer holds the shared lock on October; the close must wait until it commits.
    const order: string[] = [];
    let releaseWriter!: () => void;
    const writerHolds = new Promise<void>((resolve) => (releaseWriter = resolve));
    let writerLocked!: () => void;
    const locked = new Promise<void>((resolve) => (writerLocked = resolve));
    const writer = withTenant(tenant.id, async (tx) => {
      await lockOpenPeriods(tx, ["2026-10-01"]);
      writerLocked();
      await writerHolds;
      order.push("writer committed");
    });
    await locked;
    const close = withSystem("test", (tx) => closePeriod(tx, "2026-10-01")).then(() => order.push("closed"));
    await new Promise((r) => setTimeout(r, 200));
    releaseWriter();
    await Promise.all([writer, close]);
    expect(order).toEqual(["writer committed", "closed"]);
    const after = await withTenant(tenant.id, (tx) => lockOpenPeriods(tx, ["2026-10-01"]));
    expect([...after]).toEqual(["2026-10-01"]);
  });
});
