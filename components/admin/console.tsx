import Link from "next/link";
import { Badge } from "@/components/ui/badge";

/** Small pieces shared by the console's server-rendered pages. */

export type SearchParams = Record<string, string | string[] | undefined>;

/** The first value of a query parameter, or undefined when absent or empty. */
export function param(sp: SearchParams, key: string): string | undefined {
  const v = sp[key];
  const s = Array.isArray(v) ? v[0] : v;
  return s ? s : undefined;
}

/** The same page with some parameters replaced (undefined removes one). */
export function hrefWith(path: string, sp: SearchParams, changes: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(sp)) {
    const s = Array.isArray(v) ? v[0] : v;
    if (s && !(k in changes)) q.set(k, s);
  }
  for (const [k, v] of Object.entries(changes)) if (v !== undefined && v !== "") q.set(k, String(v));
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

export const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function when(d: Date | null | undefined) {
  return d ? `${dateTime.format(d)} UTC` : "—";
}

const statusVariant: Record<string, "success" | "warning" | "danger" | "muted"> = {
  active: "success",
  processed: "success",
  succeeded: "success",
  pending: "warning",
  provisioning: "warning",
  received: "warning",
  suspended: "danger",
  failed: "danger",
  deleted: "muted",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge variant={statusVariant[status] ?? "muted"} data-status={status}>
      {status}
    </Badge>
  );
}

export function Pager({ path, sp, page, hasMore, total, pageSize }: { path: string; sp: SearchParams; page: number; hasMore: boolean; total?: number; pageSize: number }) {
  return (
    <nav aria-label="Pages" className="mt-4 flex items-center gap-4 text-sm">
      {page > 1 ? <Link href={hrefWith(path, sp, { page: page - 1 })} className="underline">Previous</Link> : <span className="text-muted-foreground">Previous</span>}
      <span>
        Page {page}
        {total !== undefined ? ` of ${Math.max(1, Math.ceil(total / pageSize))} (${total.toLocaleString("en")} in all)` : ""}
      </span>
      {hasMore ? <Link href={hrefWith(path, sp, { page: page + 1 })} className="underline">Next</Link> : <span className="text-muted-foreground">Next</span>}
    </nav>
  );
}

export const selectClass = "h-10 rounded-md border border-border bg-background px-3 text-sm";
export const inputClass = "h-10 rounded-md border border-border bg-background px-3 text-sm";
