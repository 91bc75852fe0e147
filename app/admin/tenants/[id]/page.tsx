import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { StatusBadge, when } from "@/components/admin/console";
import { ImpersonateButton } from "@/components/admin/impersonate-button";
import { TenantActions } from "@/components/admin/tenant-actions";
import { PageHeader } from "@/components/dashboard/page-header";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableColumns, TableRow } from "@/components/ui/table";
import { formatPrice } from "@/lib/format-price";
import { rethrowForAdminPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";

export const metadata: Metadata = { title: "Tenant" };

export default async function AdminTenantPage({ params }: PageProps<"/admin/tenants/[id]">) {
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) notFound();
  const api = await getServerApi();
  const d = await api.admin.tenants.get({ tenantId: id }).catch(rethrowForAdminPage);
  const { tenant, subscription, plan } = d;
  return (
    <>
      <PageHeader
        title={tenant.name}
        description={`${tenant.slug} · created ${when(tenant.createdAt)}`}
        actions={<TenantActions tenantId={tenant.id} name={tenant.name} status={tenant.status} retentionDays={d.retentionDays} />}
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Status</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-1 text-sm">
            <p>
              <StatusBadge status={tenant.status} />
            </p>
            {tenant.trialEndsAt ? <p>Trial ends {when(tenant.trialEndsAt)}</p> : null}
            {tenant.deletedAt ? (
              <p data-testid="retention">
                Deleted {when(tenant.deletedAt)}; kept {d.retentionDays} days, purged after {when(d.purgeAfter)}.
              </p>
            ) : (
              <p className="text-muted-foreground">Deleting keeps the data {d.retentionDays} days before the purge.</p>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Plan and subscription</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-1 text-sm">
            <p>
              Plan: <strong>{plan?.name ?? tenant.plan}</strong>
              {plan ? ` · ${formatPrice(plan.monthlyPrice, plan.currency)} a month` : ""}
            </p>
            {subscription ? (
              <>
                <p>Stripe status: {subscription.status}{subscription.cancelAtPeriodEnd ? " (cancels at period end)" : ""}</p>
                <p>Period ends: {when(subscription.currentPeriodEnd)}</p>
                {subscription.pastDueSince ? <p>Past due since {when(subscription.pastDueSince)}</p> : null}
                <p className="text-muted-foreground">
                  Customer {subscription.stripeCustomerId}
                  {subscription.stripeSubscriptionId ? ` · subscription ${subscription.stripeSubscriptionId}` : ""}
                </p>
              </>
            ) : (
              <p className="text-muted-foreground">No Stripe customer yet.</p>
            )}
          </CardContent>
        </Card>
      </div>

      <Card className="mt-6">
        <CardHeader>
          <CardTitle>Members</CardTitle>
        </CardHeader>
        <CardContent>
          <Table aria-label="Members">
            <TableColumns columns={["User", "Role", "Since", ""]} />
            <TableBody>
              {d.members.map((m) => (
                <TableRow key={m.userId} className="align-top">
                  <TableCell>
                    <Link href={`/admin/users/${m.userId}`} className="underline-offset-4 hover:underline">
                      {m.email}
                    </Link>
                    {m.disabledAt ? " (disabled)" : ""}
                  </TableCell>
                  <TableCell>{m.role}</TableCell>
                  <TableCell>{when(m.since)}</TableCell>
                  <TableCell>{m.isPlatformAdmin || m.disabledAt ? null : <ImpersonateButton userId={m.userId} email={m.email} tenantId={tenant.id} />}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>

      <Card className="mt-6">
        <CardHeader>
          <CardTitle>Usage statements</CardTitle>
        </CardHeader>
        <CardContent>
          {d.statements.length ? (
            <Table aria-label="Usage statements">
              <TableColumns columns={["Period", "Plan", "Events", "Total"]} />
              <TableBody>
                {d.statements.map((s) => (
                  <TableRow key={s.period} className="align-top">
                    <TableCell>{s.period.slice(0, 7)}</TableCell>
                    <TableCell>{s.plan}</TableCell>
                    <TableCell>{s.events.toLocaleString("en")}</TableCell>
                    <TableCell>{formatPrice(s.total, s.currency)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : (
            <p className="text-sm text-muted-foreground">No statement yet.</p>
          )}
        </CardContent>
      </Card>

      <Card className="mt-6">
        <CardHeader>
          <CardTitle>Provisioning log</CardTitle>
        </CardHeader>
        <CardContent>
          <Table aria-label="Provisioning log">
            <TableColumns columns={["Time", "Step", "Status", "Cause", "Detail"]} />
            <TableBody>
              {d.log.map((l) => (
                <TableRow key={l.id} className="align-top">
                  <TableCell>{when(l.createdAt)}</TableCell>
                  <TableCell>{l.step}</TableCell>
                  <TableCell>
                    <StatusBadge status={l.status} />
                  </TableCell>
                  <TableCell>{l.cause}</TableCell>
                  <TableCell className="font-mono text-xs break-all">{l.error ?? JSON.stringify(l.detail)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <p className="mt-2 text-sm">
            <Link href={`/admin/audit?shop=${tenant.slug}`} className="underline">
              This shop&apos;s audit trail
            </Link>
          </p>
        </CardContent>
      </Card>
    </>
  );
}
