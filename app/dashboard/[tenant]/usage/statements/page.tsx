import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/dashboard/page-header";
import { Card, CardContent } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableColumns, TableRow } from "@/components/ui/table";
import { formatPrice } from "@/lib/format-price";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { monthLabel } from "@/components/usage/month-label";

export const metadata: Metadata = { title: "Usage statements" };

export default async function UsageStatementsPage({ params }: PageProps<"/dashboard/[tenant]/usage/statements">) {
  const { tenant: slug } = await params;
  const api = await getServerApi();
  const statements = await api.usage.statements({ tenantSlug: slug }).catch(rethrowForPage);
  return (
    <>
      <PageHeader title="Usage statements" description="One statement per billed month: what you used, what your plan includes, and the overage billed." />
      <Card>
        <CardContent className="pt-6">
          {statements.length === 0 ? (
            <p className="text-sm text-muted-foreground">No statement yet: months are billed after they end.</p>
          ) : (
            <Table aria-label="Usage statements">
              <TableColumns columns={["Month", "Plan", { label: "Events", numeric: true }, { label: "Overage", numeric: true }]} />
              <TableBody>
                {statements.map((s) => (
                  <TableRow key={s.period}>
                    <TableCell>
                      <Link className="font-medium underline-offset-4 hover:underline" href={`/dashboard/${slug}/usage/statements/${s.period.slice(0, 7)}`}>
                        {monthLabel(s.period)}
                      </Link>
                    </TableCell>
                    <TableCell className="capitalize">{s.plan}</TableCell>
                    <TableCell numeric>{s.events.toLocaleString("en")}</TableCell>
                    <TableCell numeric>{formatPrice(s.total, s.currency)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </>
  );
}
