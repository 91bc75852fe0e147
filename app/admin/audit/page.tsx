import type { Metadata } from "next";
import Link from "next/link";
import { hrefWith, inputClass, Pager, param, when } from "@/components/admin/console";
import { PageHeader } from "@/components/dashboard/page-header";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableColumns, TableRow } from "@/components/ui/table";
import { rethrowForAdminPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { listAuditInput } from "@/server/domain/admin-audit";

export const metadata: Metadata = { title: "Audit trail" };

const keys = ["shop", "actor", "action", "from", "to"] as const;

/** The audit trail with filters (shop, actor, action, time) and the CSV export of the same filter. */
export default async function AdminAuditPage({ searchParams }: PageProps<"/admin/audit">) {
  const sp = await searchParams;
  const raw = Object.fromEntries(keys.map((k) => [k, param(sp, k)]));
  const parsed = listAuditInput.safeParse({ ...raw, page: param(sp, "page") });
  const api = await getServerApi();
  const list = await api.admin.audit(parsed.success ? parsed.data : listAuditInput.parse({})).catch(rethrowForAdminPage);
  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Every recorded change, newest first. Rows written during an impersonation name both the user and the admin."
        actions={
          <Button asChild variant="outline" size="sm">
            <a href={hrefWith("/admin/audit/export", sp, { page: undefined })} download>
              Export CSV
            </a>
          </Button>
        }
      />
      <form method="get" action="/admin/audit" className="mb-4 flex flex-wrap items-end gap-2" aria-label="Filter audit trail">
        <input name="shop" defaultValue={raw.shop} placeholder="Shop slug" aria-label="Shop" className={`${inputClass} w-40`} />
        <input name="actor" defaultValue={raw.actor} placeholder="Actor email" aria-label="Actor" className={`${inputClass} w-56`} />
        <input name="action" defaultValue={raw.action} placeholder="Action, or prefix ending in ." aria-label="Action" className={`${inputClass} w-56`} />
        <label className="grid gap-1 text-xs text-muted-foreground">
          From (UTC)
          <input type="datetime-local" name="from" defaultValue={raw.from} aria-label="From" className={inputClass} />
        </label>
        <label className="grid gap-1 text-xs text-muted-foreground">
          To (UTC)
          <input type="datetime-local" name="to" defaultValue={raw.to} aria-label="To" className={inputClass} />
        </label>
        <Button type="submit" size="sm">
          Apply
        </Button>
      </form>
      {!parsed.success ? (
        <p role="alert" className="mb-4 text-sm text-destructive">
          Some filters were not understood and are ignored: {parsed.error.issues.map((i) => i.path.join(".")).join(", ")}.
        </p>
      ) : null}
      <Table aria-label="Audit trail">
        <TableColumns columns={["Time", "Action", "Shop", "Actor", "Target", "Detail"]} />
        <TableBody>
          {list.rows.map((r) => (
            <TableRow key={r.id} className="align-top">
              <TableCell className="whitespace-nowrap">{when(r.createdAt)}</TableCell>
              <TableCell>{r.action}</TableCell>
              <TableCell>{r.shop && r.tenantId ? <Link href={`/admin/tenants/${r.tenantId}`} className="underline-offset-4 hover:underline">{r.shop}</Link> : (r.tenantId ?? "platform")}</TableCell>
              <TableCell>
                {r.actorEmail ?? (r.actorUserId ? r.actorUserId : "system")}
                {r.impersonatorUserId ? <span className="block text-xs text-amber-700 dark:text-amber-300">impersonated by {r.impersonatorEmail ?? r.impersonatorUserId}</span> : null}
              </TableCell>
              <TableCell className="text-xs">{r.targetType ? `${r.targetType} ${r.targetId ?? ""}` : ""}</TableCell>
              <TableCell className="max-w-md font-mono text-xs break-all">{JSON.stringify(r.metadata)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {list.rows.length === 0 ? <p className="py-4 text-sm text-muted-foreground">No entry matches.</p> : null}
      <Pager path="/admin/audit" sp={sp} page={list.page} pageSize={list.pageSize} hasMore={list.hasMore} />
    </>
  );
}
