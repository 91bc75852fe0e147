import type { Metadata } from "next";
import Link from "next/link";
import { inputClass, Pager, param, when } from "@/components/admin/console";
import { PageHeader } from "@/components/dashboard/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableColumns, TableRow } from "@/components/ui/table";
import { rethrowForAdminPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { listUsersInput } from "@/server/domain/admin-users";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsersPage({ searchParams }: PageProps<"/admin/users">) {
  const sp = await searchParams;
  const parsed = listUsersInput.safeParse({ q: param(sp, "q"), page: param(sp, "page") });
  const api = await getServerApi();
  const list = await api.admin.users.list(parsed.success ? parsed.data : {}).catch(rethrowForAdminPage);
  return (
    <>
      <PageHeader title="Users" description="Everyone with an account: their shops and roles, disabling, impersonation." />
      <form method="get" action="/admin/users" className="mb-4 flex gap-2" aria-label="Search users">
        <input name="q" defaultValue={param(sp, "q")} placeholder="Email or name" aria-label="Search" className={`${inputClass} w-72`} />
        <Button type="submit" size="sm">
          Search
        </Button>
      </form>
      <Table aria-label="Users">
        <TableColumns columns={["Email", "Name", "Shops", "Created", ""]} />
        <TableBody>
          {list.rows.map((u) => (
            <TableRow key={u.id} className="align-top">
              <TableCell>
                <Link href={`/admin/users/${u.id}`} className="font-medium underline-offset-4 hover:underline">
                  {u.email}
                </Link>
              </TableCell>
              <TableCell>{u.name}</TableCell>
              <TableCell>{u.shops}</TableCell>
              <TableCell>{when(u.createdAt)}</TableCell>
              <TableCell className="flex gap-1">
                {u.isPlatformAdmin ? <Badge>admin</Badge> : null}
                {u.disabledAt ? <Badge variant="danger">disabled</Badge> : null}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {list.rows.length === 0 ? <p className="py-4 text-sm text-muted-foreground">No user matches.</p> : null}
      <Pager path="/admin/users" sp={sp} page={list.page} total={list.total} pageSize={list.pageSize} hasMore={list.page * list.pageSize < list.total} />
    </>
  );
}
