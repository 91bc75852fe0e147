const monthFormat = new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" });

/** "2026-11-01" → "November 2026" (periods are UTC months). */
export function monthLabel(period: string): string {
  return monthFormat.format(new Date(`${period.slice(0, 10)}T00:00:00Z`));
}

const metricNames: Record<string, string> = {
  storefront_visits: "Storefront visits",
  api_calls: "API calls",
  storage_gb_months: "Storage (GB-months)",
  ai_tokens: "AI tokens",
};

export const metricLabel = (metric: string) => metricNames[metric] ?? metric;

/** A stored quantity ("51235.000000") without trailing zeros, grouped: "51,235". Exact: no float. */
export function formatQuantity(value: string): string {
  const [whole = "0", fraction = ""] = value.split(".");
  const trimmed = fraction.replace(/0+$/, "");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return trimmed ? `${grouped}.${trimmed}` : grouped;
}
