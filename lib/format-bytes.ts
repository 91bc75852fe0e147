/** A byte count for people: "5 GB", "1.5 MB", "900 B" (binary units, as storage limits are set). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toLocaleString("en", { maximumFractionDigits: 1 })} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toLocaleString("en", { maximumFractionDigits: 1 })} MB`;
  return `${bytes.toLocaleString("en")} B`;
}
