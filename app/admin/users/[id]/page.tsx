import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { StatusBadge, when } from "@/components/admin/console";
import { ImpersonateButton } from "@/components/admin/impersonate-button";
import { UserActions } from "@/components/admin/user-actions";
import { PageHeader } from "@/components/dashboard/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableColumns, TableRow } from "@/components/ui/table";
import { rethrowForAdminPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";

export const metadata: Metadata = { title: "User" };

export default async function AdminUserPage({ params }: PageProps<"/admin/users/[id]">) {
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) notFound();
  const api = await getServerApi();
  const { user, shops, impersonations } = await api.admin.users.get({ userId: id }).catch(rethrowForAdminPage);
  return (
    <>
      <PageHeader
        title={user.email}
        description={`${user.name ?? "No name"} · joined ${when(user.createdAt)} · email ${user.emailVerified ? "verified" : "not verified"}`}
        actions={
          user.isPlatformAdmin ? (
            <Badge>Platform admin: cannot be impersonated or disabled here</Badge>
          ) : (
            <div className="flex flex-wrap gap-2">
              {user.disabledAt ? null : <ImpersonateButton userId={user.id} email={user.email} />}
              <UserActions userId={user.id} email={user.email} disabled={user.disabledAt !== null} />
            </div>
          )
        }
      />
      {user.disabledAt ? (
        <p role="status" className="mb-4 text-sm text-destructive">
          Disabled {when(user.disabledAt)}.
        </p>
      ) : null}
      <Card>
        <CardHeader>
          <CardTitle>Shops and roles</CardTitle>
        </CardHeader>
        <CardContent>
          {shops.length ? (
            <Table aria-label="Shops">
              <TableColumns columns={["Shop", "Role", "Status", "Plan"]} />
              <TableBody>
                {shops.map((s) => (
                  <TableRow key={s.tenantId} className="align-top">
                    <TableCell>
                      <Link href={`/admin/tenants/${s.tenantId}`} className="underline-offset-4 hover:underline">
                        {s.name}
                      </Link>{" "}
                      <span className="text-muted-foreground">{s.slug}</span>
                    </TableCell>
                    <TableCell>{s.role}</TableCell>
                    <TableCell>
                      <StatusBadge status={s.status} />
                    </TableCell>
                    <TableCell>{s.plan}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : (
            <p className="text-sm text-muted-foreground">No shop.</p>
          )}
        </CardContent>
      </Card>
      <Card className="mt-6">
        <CardHeader>
          <CardTitle>Impersonations</CardTitle>
        </CardHeader>
        <CardContent>
          {impersonations.length ? (
            <Table aria-label="Impersonations">
              <TableColumns columns={["By", "Reason", "Started", "Ended"]} />
              <TableBody>
                {impersonations.map((i) => (
                  <TableRow key={i.id} className="align-top">
                    <TableCell>{i.adminEmail}</TableCell>
                    <TableCell>{i.reason}</TableCell>
                    <TableCell>{when(i.startedAt)}</TableCell>
                    <TableCell>{i.endedAt ? when(i.endedAt) : i.expiresAt < new Date() ? `expired ${when(i.expiresAt)}` : "running"}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : (
            <p className="text-sm text-muted-foreground">Never impersonated.</p>
          )}
        </CardContent>
      </Card>
    </>
  );
}
