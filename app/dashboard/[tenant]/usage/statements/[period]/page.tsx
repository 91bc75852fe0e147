import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/dashboard/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableColumns, TableRow } from "@/components/ui/table";
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
        <CardContent className="pt-6">
          <Table aria-label="Statement lines">
            <TableColumns columns={["Metric", { label: "Used", numeric: true }, { label: "Included", numeric: true }, { label: "Billable", numeric: true }, { label: "Unit price", numeric: true }, { label: "Amount", numeric: true }]} />
            <TableBody>
              {statement.lines.map((l) => (
                <TableRow key={l.metric}>
                  <TableCell>{metricLabel(l.metric)}</TableCell>
                  <TableCell numeric>{formatQuantity(l.quantity)}</TableCell>
                  <TableCell numeric>{formatQuantity(l.included)}</TableCell>
                  <TableCell numeric>{formatQuantity(l.billable)}</TableCell>
                  <TableCell numeric>
                    {unit(l.unitPrice)} {l.currency}
                  </TableCell>
                  <TableCell numeric>{formatPrice(l.amount, l.currency)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
            <tfoot>
              <TableRow className="font-medium">
                <TableCell colSpan={5}>Total overage</TableCell>
                <TableCell numeric>{formatPrice(statement.total, statement.currency)}</TableCell>
              </TableRow>
            </tfoot>
          </Table>
          <p className="mt-4 text-xs text-muted-foreground">{statement.events.toLocaleString("en")} usage events. Overage of paid plans is charged on your next Stripe invoice.</p>
        </CardContent>
      </Card>
    </>
  );
}
