import { describe, expect, it } from "vitest";
import { cronItems } from "./index";
import { billingRunJob, previousMonth } from "./usage-billing";

describe("monthly billing run job", () => {
  it("bills the UTC month that just ended", () => {
    expect(previousMonth(new Date("2027-01-01T01:07:00Z"))).toBe("2026-12");
    expect(previousMonth(new Date("2026-03-01T00:00:00Z"))).toBe("2026-02");
    expect(previousMonth(new Date("2026-12-31T23:59:59Z"))).toBe("2026-11");
  });

  it("is scheduled on the 1st of each month, and a cron payload parses", () => {
    expect(billingRunJob.cron).toBe("7 1 1 * *");
    expect(cronItems().some((item) => item.task === billingRunJob.name)).toBe(true);
    expect(billingRunJob.schema.safeParse({ _cron: { ts: "2026-12-01T01:07:00Z", backfilled: false } }).success).toBe(true);
  });
});
