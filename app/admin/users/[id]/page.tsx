import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { StatusBadge, td, th, when } from "@/components/admin/console";
import { ImpersonateButton } from "@/components/admin/impersonate-button";
import { UserActions } from "@/components/admin/user-actions";
import { PageHeader } from "@/components/dashboard/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
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
        <CardContent className="overflow-x-auto">
          {shops.length === 0 ? <p className="text-sm text-muted-foreground">No shop.</p> : null}
          {shops.length ? (
            <table className="w-full text-sm" aria-label="Shops">
              <thead className="text-muted-foreground">
                <tr>
                  <th className={th}>Shop</th>
                  <th className={th}>Role</th>
                  <th className={th}>Status</th>
                  <th className={th}>Plan</th>
                </tr>
              </thead>
              <tbody>
                {shops.map((s) => (
                  <tr key={s.tenantId} className="border-t">
                    <td className={td}>
                      <Link href={`/admin/tenants/${s.tenantId}`} className="underline-offset-4 hover:underline">
                        {s.name}
                      </Link>{" "}
                      <span className="text-muted-foreground">{s.slug}</span>
                    </td>
                    <td className={td}>{s.role}</td>
                    <td className={td}>
                      <StatusBadge status={s.status} />
                    </td>
                    <td className={td}>{s.plan}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </CardContent>
      </Card>
      <Card className="mt-6">
        <CardHeader>
          <CardTitle>Impersonations</CardTitle>
        </CardHeader>
        <CardContent className="overflow-x-auto">
          {impersonations.length === 0 ? <p className="text-sm text-muted-foreground">Never impersonated.</p> : null}
          {impersonations.length ? (
            <table className="w-full text-sm" aria-label="Impersonations">
              <thead className="text-muted-foreground">
                <tr>
                  <th className={th}>By</th>
                  <th className={th}>Reason</th>
                  <th className={th}>Started</th>
                  <th className={th}>Ended</th>
                </tr>
              </thead>
              <tbody>
                {impersonations.map((i) => (
                  <tr key={i.id} className="border-t">
                    <td className={td}>{i.adminEmail}</td>
                    <td className={td}>{i.reason}</td>
                    <td className={td}>{when(i.startedAt)}</td>
                    <td className={td}>{i.endedAt ? when(i.endedAt) : i.expiresAt < new Date() ? `expired ${when(i.expiresAt)}` : "running"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </CardContent>
      </Card>
    </>
  );
}
