import type { BillingRunProgress, BillingRunResult } from "@/server/domain/usage/billing-run";

const int = (n: number) => Math.round(n).toLocaleString("en");
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/**
 * One line of billing-run progress: a bar (when `width` is given, for a terminal), events and
 * tenants done of their totals, the rate and the ETA. Before the period's aggregate is read
 * the totals are unknown and the line says so.
 */
export function progressLine(p: BillingRunProgress, width?: number): string {
  const rate = p.elapsedMs > 0 ? (p.events / p.elapsedMs) * 1000 : 0;
  if (p.eventsTotal === null) return `billing ${p.period.slice(0, 7)}: aggregating usage… ${seconds(p.elapsedMs)}`;
  const fraction = p.eventsTotal > 0 ? Math.min(1, p.events / p.eventsTotal) : 1;
  const eta = rate > 0 ? ((p.eventsTotal - p.events) / rate) * 1000 : 0;
  const text = `${(fraction * 100).toFixed(0).padStart(3)}% events ${int(p.events)}/${int(p.eventsTotal)} tenants ${int(p.tenants)}/${int(p.tenantsTotal ?? 0)} reported ${int(p.reported)} ${int(rate)} ev/s ETA ${seconds(eta)}`;
  if (!width) return text;
  // From the terminal's width alone, so the bar keeps its size while the figures beside it grow and shrink.
  const barWidth = Math.max(10, Math.min(40, width - 100));
  const filled = Math.round(fraction * barWidth);
  return `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${text}`;
}

/** The closing report, as a billing service's run report reads. */
export function formatRunReport(r: BillingRunResult): string {
  return [
    `billing run ${r.runId} for ${r.period.slice(0, 7)}: succeeded`,
    `processed ${int(r.events)} events for ${int(r.tenants)} tenants: ${int(r.lines)} statement lines, ${int(r.reported)} meter events reported`,
    `duration ${seconds(r.durationMs)}, ${int(r.eventsPerSecond)} ops/s`,
  ].join("\n");
}
