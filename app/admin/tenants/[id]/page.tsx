import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { StatusBadge, td, th, when } from "@/components/admin/console";
import { ImpersonateButton } from "@/components/admin/impersonate-button";
import { TenantActions } from "@/components/admin/tenant-actions";
import { PageHeader } from "@/components/dashboard/page-header";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
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
        <CardContent className="overflow-x-auto">
          <table className="w-full text-sm" aria-label="Members">
            <thead className="text-muted-foreground">
              <tr>
                <th className={th}>User</th>
                <th className={th}>Role</th>
                <th className={th}>Since</th>
                <th className={th} />
              </tr>
            </thead>
            <tbody>
              {d.members.map((m) => (
                <tr key={m.userId} className="border-t">
                  <td className={td}>
                    <Link href={`/admin/users/${m.userId}`} className="underline-offset-4 hover:underline">
                      {m.email}
                    </Link>
                    {m.disabledAt ? " (disabled)" : ""}
                  </td>
                  <td className={td}>{m.role}</td>
                  <td className={td}>{when(m.since)}</td>
                  <td className={td}>{m.isPlatformAdmin || m.disabledAt ? null : <ImpersonateButton userId={m.userId} email={m.email} tenantId={tenant.id} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </CardContent>
      </Card>

      <Card className="mt-6">
        <CardHeader>
          <CardTitle>Usage statements</CardTitle>
        </CardHeader>
        <CardContent className="overflow-x-auto">
          {d.statements.length === 0 ? <p className="text-sm text-muted-foreground">No statement yet.</p> : null}
          {d.statements.length ? (
            <table className="w-full text-sm" aria-label="Usage statements">
              <thead className="text-muted-foreground">
                <tr>
                  <th className={th}>Period</th>
                  <th className={th}>Plan</th>
                  <th className={th}>Events</th>
                  <th className={th}>Total</th>
                </tr>
              </thead>
              <tbody>
                {d.statements.map((s) => (
                  <tr key={s.period} className="border-t">
                    <td className={td}>{s.period.slice(0, 7)}</td>
                    <td className={td}>{s.plan}</td>
                    <td className={td}>{s.events.toLocaleString("en")}</td>
                    <td className={td}>{formatPrice(s.total, s.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </CardContent>
      </Card>

      <Card className="mt-6">
        <CardHeader>
          <CardTitle>Provisioning log</CardTitle>
        </CardHeader>
        <CardContent className="overflow-x-auto">
          <table className="w-full text-sm" aria-label="Provisioning log">
            <thead className="text-muted-foreground">
              <tr>
                <th className={th}>Time</th>
                <th className={th}>Step</th>
                <th className={th}>Status</th>
                <th className={th}>Cause</th>
                <th className={th}>Detail</th>
              </tr>
            </thead>
            <tbody>
              {d.log.map((l) => (
                <tr key={l.id} className="border-t">
                  <td className={td}>{when(l.createdAt)}</td>
                  <td className={td}>{l.step}</td>
                  <td className={td}>
                    <StatusBadge status={l.status} />
                  </td>
                  <td className={td}>{l.cause}</td>
                  <td className={`${td} font-mono text-xs break-all`}>{l.error ?? JSON.stringify(l.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
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
