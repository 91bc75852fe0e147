import parsePrometheusTextFormat, { type MetricFamily } from "parse-prometheus-text-format";

/**
 * A Prometheus text exposition, parsed by a Prometheus text parser (it throws on a malformed
 * line), with lookups by family name and labels. A sample matches when it has every label asked
 * for (others may be present).
 *
 * The parser folds a histogram's label sets into one sample (buckets by `le` only, and the
 * labelled _count and _sum dropped), so histograms are checked for their type and for having
 * observed something; their per-label counts are checked through the counter beside them.
 */
export function parseExposition(text: string) {
  const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f] as const));
  const family = (name: string): MetricFamily => {
    const found = families.get(name);
    if (!found) throw new Error(`no metric family ${name} in the exposition`);
    return found;
  };
  return {
    families,
    type: (name: string) => family(name).type,
    /** The sum of the matching samples of a counter or gauge. */
    total(name: string, labels: Record<string, string> = {}): number {
      const f = family(name);
      if (f.type === "HISTOGRAM" || f.type === "SUMMARY") throw new Error(`${name} is a ${f.type}`);
      return f.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)).reduce((n, m) => n + Number(m.value), 0);
    },
    /** Whether a histogram has observed anything (its +Inf bucket). */
    observed(name: string): boolean {
      const f = family(name);
      if (f.type !== "HISTOGRAM") throw new Error(`${name} is a ${f.type}`);
      return f.metrics.some((m) => Number(m.buckets["+Inf"] ?? 0) > 0);
    },
    /** The label sets a counter or gauge has samples for. */
    labelSets: (name: string) => family(name).metrics.map((m) => m.labels ?? {}),
  };
}
