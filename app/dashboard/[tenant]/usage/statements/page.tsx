import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/dashboard/page-header";
import { Card, CardContent } from "@/components/ui/card";
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
            <table className="w-full text-sm" aria-label="Usage statements">
              <thead className="text-left text-muted-foreground">
                <tr>
                  <th className="py-2 pr-4 font-medium">Month</th>
                  <th className="py-2 pr-4 font-medium">Plan</th>
                  <th className="py-2 pr-4 text-right font-medium">Events</th>
                  <th className="py-2 pr-4 text-right font-medium">Overage</th>
                </tr>
              </thead>
              <tbody>
                {statements.map((s) => (
                  <tr key={s.period} className="border-t">
                    <td className="py-2 pr-4">
                      <Link className="font-medium underline-offset-4 hover:underline" href={`/dashboard/${slug}/usage/statements/${s.period.slice(0, 7)}`}>
                        {monthLabel(s.period)}
                      </Link>
                    </td>
                    <td className="py-2 pr-4 capitalize">{s.plan}</td>
                    <td className="py-2 pr-4 text-right tabular-nums">{s.events.toLocaleString("en")}</td>
                    <td className="py-2 pr-4 text-right tabular-nums">{formatPrice(s.total, s.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </CardContent>
      </Card>
    </>
  );
}
