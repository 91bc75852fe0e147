// Minimal typing for parse-prometheus-text-format 1.x (it ships none), in prom2json's shape.
declare module "parse-prometheus-text-format" {
  type Labels = Record<string, string>;
  type Sample = { labels?: Labels; value: string };
  type HistogramSample = { labels?: Labels; buckets: Record<string, string>; count: string; sum: string };
  type SummarySample = { labels?: Labels; quantiles: Record<string, string>; count: string; sum: string };
  export type MetricFamily =
    | { name: string; help: string; type: "COUNTER" | "GAUGE" | "UNTYPED"; metrics: Sample[] }
    | { name: string; help: string; type: "HISTOGRAM"; metrics: HistogramSample[] }
    | { name: string; help: string; type: "SUMMARY"; metrics: SummarySample[] };
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
