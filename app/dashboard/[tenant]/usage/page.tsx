import type { Metadata } from "next";
import { PageHeader } from "@/components/dashboard/page-header";
import { UsageChart } from "@/components/usage/usage-chart";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatPrice } from "@/lib/format-price";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";

export const metadata: Metadata = { title: "Usage" };

/** Exact decimal strings shown with grouping, without passing through a float. */
function formatQuantity(value: string): string {
  return new Intl.NumberFormat("en", { maximumFractionDigits: 6 }).format(value as `${number}`);
}

export default async function UsagePage({ params }: PageProps<"/dashboard/[tenant]/usage">) {
  const { tenant: slug } = await params;
  const usage = await (await getServerApi()).usage.overview({ tenantSlug: slug }).catch(rethrowForPage);
  const month = new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${usage.period}T00:00:00Z`));
  const anyUsage = usage.metrics.some((m) => Number(m.used) > 0);
  return (
    <>
      <PageHeader title="Usage" description={`${month} (UTC) on the ${usage.plan.name} plan: what is metered, against what the plan includes.`} />
      <div className="mb-6 grid gap-4 md:grid-cols-3">
        {usage.metrics.map((m) => {
          const pct = m.percentOfIncluded;
          const tone = pct === null ? "muted" : pct >= 100 ? "danger" : pct >= 80 ? "warning" : "success";
          return (
            <Card key={m.metric} data-testid={`usage-${m.metric}`}>
              <CardHeader>
                <CardDescription className="flex items-center justify-between gap-2">
                  {m.label}
                  {pct !== null ? <Badge variant={tone}>{pct} % of included</Badge> : null}
                </CardDescription>
                <CardTitle className="text-3xl tabular-nums" data-testid={`usage-${m.metric}-used`}>
                  {formatQuantity(m.used)} <span className="text-base font-normal text-muted-foreground">{m.unit}</span>
                </CardTitle>
              </CardHeader>
              <CardContent className="grid gap-2 text-sm">
                {m.included !== null ? (
                  <div
                    className="h-2 w-full overflow-hidden rounded-full bg-muted"
                    role="progressbar"
                    aria-label={`${m.label}: share of the included quantity used`}
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={Math.min(100, pct ?? 0)}
                  >
                    <div className={pct !== null && pct >= 100 ? "h-full bg-destructive" : pct !== null && pct >= 80 ? "h-full bg-amber-500" : "h-full bg-primary"} style={{ width: `${Math.min(100, pct ?? 0)}%` }} />
                  </div>
                ) : null}
                <dl className="grid grid-cols-2 gap-x-2 gap-y-1">
                  <dt className="text-muted-foreground">Included</dt>
                  <dd className="text-right tabular-nums">{m.included !== null ? formatQuantity(m.included) : "—"}</dd>
                  <dt className="text-muted-foreground">Projected</dt>
                  <dd className="text-right tabular-nums">{formatQuantity(m.projected)}</dd>
                  <dt className="text-muted-foreground">Overage price</dt>
                  <dd className="text-right tabular-nums">{m.overagePrice ? `${formatPrice(m.overagePrice, usage.currency)} / unit` : "none"}</dd>
                  <dt className="text-muted-foreground">Projected overage</dt>
                  <dd className="text-right font-medium tabular-nums" data-testid={`usage-${m.metric}-overage`}>
                    {m.projectedOverageCost !== null ? formatPrice(m.projectedOverageCost, usage.currency) : "not billed on this plan"}
                  </dd>
                </dl>
              </CardContent>
            </Card>
          );
        })}
      </div>
      <Card className="mb-6">
        <CardHeader>
          <CardTitle>Daily usage</CardTitle>
          <CardDescription>Per UTC day this period.</CardDescription>
        </CardHeader>
        <CardContent>
          {anyUsage ? (
            <UsageChart daily={usage.daily} metrics={usage.metrics} />
          ) : (
            <p className="py-8 text-center text-sm text-muted-foreground">No usage recorded this period yet. Storefront visits, API calls and stored media appear here as they happen.</p>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Alerts</CardTitle>
          <CardDescription>Owners and admins get an email at 80 % and at 100 % of each included quantity, once per month.</CardDescription>
        </CardHeader>
        <CardContent>
          {usage.alerts.length === 0 ? (
            <p className="text-sm text-muted-foreground">No alerts sent this period.</p>
          ) : (
            <ul className="grid gap-1 text-sm">
              {usage.alerts.map((a) => (
                <li key={`${a.metric}-${a.threshold}`}>
                  {usage.metrics.find((m) => m.metric === a.metric)?.label ?? a.metric}: {a.threshold} % — sent {a.sentAt.toISOString().slice(0, 16).replace("T", " ")} UTC
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
    </>
  );
}
