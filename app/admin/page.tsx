import type { Metadata } from "next";
import Link from "next/link";
import { hrefWith, inputClass, Pager, param, selectClass, StatusBadge, when } from "@/components/admin/console";
import { PageHeader } from "@/components/dashboard/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatPrice } from "@/lib/format-price";
import { rethrowForAdminPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { listTenantsInput } from "@/server/domain/admin-tenants";

export const metadata: Metadata = { title: "Platform admin" };

const sorts = [
  ["created", "Created"],
  ["name", "Name"],
  ["slug", "Slug"],
  ["status", "Status"],
  ["plan", "Plan"],
] as const;

/** The console's home: platform figures at the top, then every tenant with search, filters, sorting and pages. */
export default async function AdminHome({ searchParams }: PageProps<"/admin">) {
  const sp = await searchParams;
  const api = await getServerApi();
  const filter = { q: param(sp, "q"), status: param(sp, "status"), plan: param(sp, "plan"), sort: param(sp, "sort"), dir: param(sp, "dir"), page: param(sp, "page") };
  const parsed = listTenantsInput.safeParse(filter);
  const [summary, list] = await Promise.all([
    api.admin.summary().catch(rethrowForAdminPage),
    // Unknown filter values (a hand-edited URL) fall back to the unfiltered list.
    api.admin.tenants.list(parsed.success ? parsed.data : {}).catch(rethrowForAdminPage),
  ]);
  const sort = filter.sort ?? "created";
  const dir = filter.dir ?? "desc";
  return (
    <>
      <PageHeader title="Tenants" description="Every shop on the platform, its lifecycle and billing." />
      <div className="mb-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-4" aria-label="Platform figures">
        <Card>
          <CardHeader>
            <CardDescription>MRR</CardDescription>
            <CardTitle data-testid="mrr">
              {summary.mrr.length ? summary.mrr.map((m) => formatPrice(m.amount, m.currency)).join(" + ") : formatPrice("0", "EUR")}
            </CardTitle>
          </CardHeader>
          <CardContent className="text-xs text-muted-foreground">Plan prices of paying shops ({summary.mrr.reduce((a, m) => a + m.shops, 0)})</CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardDescription>Tenants</CardDescription>
            <CardTitle data-testid="tenant-count">{summary.tenants.toLocaleString("en")}</CardTitle>
          </CardHeader>
          <CardContent className="text-xs text-muted-foreground">
            {Object.entries(summary.statuses)
              .filter(([, n]) => n > 0)
              .map(([s, n]) => `${n} ${s}`)
              .join(" · ")}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardDescription>Active</CardDescription>
            <CardTitle>{(summary.statuses.active ?? 0).toLocaleString("en")}</CardTitle>
          </CardHeader>
          <CardContent className="text-xs text-muted-foreground">{summary.statuses.suspended ?? 0} suspended, {summary.statuses.failed ?? 0} failed setup</CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardDescription>Users</CardDescription>
            <CardTitle>{summary.users.toLocaleString("en")}</CardTitle>
          </CardHeader>
          <CardContent className="text-xs text-muted-foreground">
            <Link href="/admin/users" className="underline">
              Search users
            </Link>
          </CardContent>
        </Card>
      </div>

      <form method="get" action="/admin" className="mb-4 flex flex-wrap items-end gap-2" aria-label="Filter tenants">
        <input name="q" defaultValue={filter.q} placeholder="Name or slug" aria-label="Search" className={`${inputClass} w-56`} />
        <select name="status" defaultValue={filter.status ?? ""} aria-label="Status" className={selectClass}>
          <option value="">Any status</option>
          {Object.keys(summary.statuses).map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <select name="plan" defaultValue={filter.plan ?? ""} aria-label="Plan" className={selectClass}>
          <option value="">Any plan</option>
          {summary.plans.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <select name="sort" defaultValue={sort} aria-label="Sort by" className={selectClass}>
          {sorts.map(([v, l]) => (
            <option key={v} value={v}>
              Sort: {l}
            </option>
          ))}
        </select>
        <select name="dir" defaultValue={dir} aria-label="Order" className={selectClass}>
          <option value="desc">Descending</option>
          <option value="asc">Ascending</option>
        </select>
        <Button type="submit" size="sm">
          Apply
        </Button>
      </form>

      <Table aria-label="Tenants">
        <TableHeader>
          <TableRow>
            {sorts.map(([v, l]) => (
              <TableHead key={v}>
                <Link href={hrefWith("/admin", sp, { sort: v, dir: sort === v && dir === "asc" ? "desc" : "asc", page: undefined })} className="hover:underline">
                  {l}
                  {sort === v ? (dir === "asc" ? " ↑" : " ↓") : ""}
                </Link>
              </TableHead>
            ))}
            <TableHead>Subscription</TableHead>
            <TableHead>Members</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {list.rows.map((t) => (
            <TableRow key={t.id} className="align-top">
              <TableCell>{when(t.createdAt)}</TableCell>
              <TableCell>
                <Link href={`/admin/tenants/${t.id}`} className="font-medium underline-offset-4 hover:underline">
                  {t.name}
                </Link>
              </TableCell>
              <TableCell>{t.slug}</TableCell>
              <TableCell>
                <StatusBadge status={t.status} />
              </TableCell>
              <TableCell>{t.plan}</TableCell>
              <TableCell>{t.subscriptionStatus ?? "none"}</TableCell>
              <TableCell>{t.members}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {list.rows.length === 0 ? <p className="py-4 text-sm text-muted-foreground">No tenant matches.</p> : null}
      <Pager path="/admin" sp={sp} page={list.page} total={list.total} pageSize={list.pageSize} hasMore={list.page * list.pageSize < list.total} />
    </>
  );
}
