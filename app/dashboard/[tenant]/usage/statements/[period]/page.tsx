import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/dashboard/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { formatPrice } from "@/lib/format-price";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { formatQuantity, metricLabel, monthLabel } from "@/components/usage/month-label";

export const metadata: Metadata = { title: "Usage statement" };

export default async function UsageStatementPage({ params }: PageProps<"/dashboard/[tenant]/usage/statements/[period]">) {
  const { tenant: slug, period } = await params;
  const api = await getServerApi();
  const statement = await api.usage.statement({ tenantSlug: slug, period }).catch(rethrowForPage);
  const unit = (price: string) => formatQuantity(price);
  return (
    <>
      <PageHeader
        title={`Usage statement — ${monthLabel(statement.period)}`}
        description={`Priced by the ${statement.plan} plan in force at the end of the month.`}
        actions={
          <div className="flex gap-2">
            <Button asChild variant="outline">
              <Link href={`/dashboard/${slug}/usage/statements`}>All statements</Link>
            </Button>
            <Button asChild>
              <a href={`/dashboard/${slug}/usage/statements/${statement.period.slice(0, 7)}/csv`} download>
                Export CSV
              </a>
            </Button>
          </div>
        }
      />
      <Card>
        <CardContent className="overflow-x-auto pt-6">
          <table className="w-full text-sm" aria-label="Statement lines">
            <thead className="text-left text-muted-foreground">
              <tr>
                <th className="py-2 pr-4 font-medium">Metric</th>
                <th className="py-2 pr-4 text-right font-medium">Used</th>
                <th className="py-2 pr-4 text-right font-medium">Included</th>
                <th className="py-2 pr-4 text-right font-medium">Billable</th>
                <th className="py-2 pr-4 text-right font-medium">Unit price</th>
                <th className="py-2 pr-4 text-right font-medium">Amount</th>
              </tr>
            </thead>
            <tbody>
              {statement.lines.map((l) => (
                <tr key={l.metric} className="border-t">
                  <td className="py-2 pr-4">{metricLabel(l.metric)}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{formatQuantity(l.quantity)}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{formatQuantity(l.included)}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{formatQuantity(l.billable)}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">
                    {unit(l.unitPrice)} {l.currency}
                  </td>
                  <td className="py-2 pr-4 text-right tabular-nums">{formatPrice(l.amount, l.currency)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr className="border-t font-medium">
                <td className="py-2 pr-4" colSpan={5}>
                  Total overage
                </td>
                <td className="py-2 pr-4 text-right tabular-nums">{formatPrice(statement.total, statement.currency)}</td>
              </tr>
            </tfoot>
          </table>
          <p className="mt-4 text-xs text-muted-foreground">{statement.events.toLocaleString("en")} usage events. Overage of paid plans is charged on your next Stripe invoice.</p>
        </CardContent>
      </Card>
    </>
  );
}
