/**
 * The metric registry: the one list of what Souk meters. Ingestion validates against it, the
 * Usage page and alerts iterate it, and plans price it (`plans.included_usage` and
 * `plans.overage_prices` are keyed by these ids). Adding a metric is one entry here plus its
 * plan prices (a migration updating `plans`) and, for Stripe, a `souk_<metric>` meter.
 *
 * Pure data, no imports: the database schema derives its `PlanMetric` type from this file.
 */
export const metricRegistry = {
  storefront_visits: { label: "Storefront visits", unit: "visits", integer: true },
  api_calls: { label: "API calls", unit: "calls", integer: true },
  storage_gb_months: { label: "Storage", unit: "GB-months", integer: false },
  // Prompt plus completion tokens of the AI writing help, as the provider reports them.
  ai_tokens: { label: "AI tokens", unit: "tokens", integer: true },
} as const satisfies Record<string, MetricDefinition>;

export type MetricDefinition = {
  /** Shown on the Usage page and in alert mail. */
  label: string;
  unit: string;
  /** Counts take whole quantities only; a fractional one is refused at ingestion. */
  integer: boolean;
};

export type MetricId = keyof typeof metricRegistry;

export const metricIds = Object.keys(metricRegistry) as MetricId[];

export function isMetricId(value: unknown): value is MetricId {
  return typeof value === "string" && Object.hasOwn(metricRegistry, value);
}

export function metricDefinition(id: MetricId): MetricDefinition {
  return metricRegistry[id];
}
