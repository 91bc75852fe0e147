import { describe, expect, it } from "vitest";
import type { BillingRunProgress } from "@/server/domain/usage/billing-run";
import { formatRunReport, progressLine } from "./billing-progress";

const progress = (over: Partial<BillingRunProgress>): BillingRunProgress => ({
  runId: "run-1",
  period: "2026-11-01",
  events: 0,
  eventsTotal: 2_000_000,
  tenants: 0,
  tenantsTotal: 2_000,
  lines: 0,
  reported: 0,
  elapsedMs: 0,
  done: false,
  ...over,
});

describe("billing run progress", () => {
  it("says it is aggregating before the totals are known", () => {
    expect(progressLine(progress({ eventsTotal: null, tenantsTotal: null, elapsedMs: 1_250 }))).toBe("billing 2026-11: aggregating usage… 1.25 s");
  });

  it("prints events, tenants, reported, rate and ETA, as a plain line without a width", () => {
    expect(progressLine(progress({ events: 500_000, tenants: 500, reported: 300, elapsedMs: 1_000 }))).toBe(
      " 25% events 500,000/2,000,000 tenants 500/2,000 reported 300 500,000 ev/s ETA 3.00 s",
    );
  });

  it("draws a bar of the same width whatever the figures beside it, filled by the share of events done", () => {
    const start = progressLine(progress({ elapsedMs: 1 }), 130);
    const half = progressLine(progress({ events: 1_000_000, tenants: 1_000, reported: 12_345, elapsedMs: 777 }), 130);
    const bar = (line: string) => /^\[([#-]+)\]/.exec(line)![1]!;
    expect(bar(start)).toBe("-".repeat(30));
    expect(bar(half)).toBe("#".repeat(15) + "-".repeat(15));
    expect(bar(progressLine(progress({ events: 2_000_000, tenants: 2_000, elapsedMs: 900, done: true }), 80))).toBe("#".repeat(10));
  });

  it("ends with a run report: processed count, ops/s and duration", () => {
    const report = formatRunReport({ ...progress({ events: 2_000_000, tenants: 2_000, lines: 6_000, reported: 6_000, elapsedMs: 1_331, done: true }), durationMs: 1_331, eventsPerSecond: 1_502_630.5 });
    expect(report).toBe(
      ["billing run run-1 for 2026-11: succeeded", "processed 2,000,000 events for 2,000 tenants: 6,000 statement lines, 6,000 meter events reported", "duration 1.33 s, 1,502,631 ops/s"].join("\n"),
    );
  });
});
