import type { Metadata } from "next";
import Link from "next/link";
import { TopBarChart, VisitsChart } from "@/components/analytics/analytics-charts";
import { PageHeader } from "@/components/dashboard/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableRow } from "@/components/ui/table";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { cn } from "@/lib/utils";

export const metadata: Metadata = { title: "Analytics" };

const ranges = [7, 30, 90] as const;

export default async function AnalyticsPage({ params, searchParams }: PageProps<"/dashboard/[tenant]/analytics">) {
  const { tenant: slug } = await params;
  const daysParam = Number((await searchParams).days);
  const days = ranges.find((r) => r === daysParam) ?? 30;
  const summary = await (await getServerApi()).storefront.analytics({ tenantSlug: slug, days }).catch(rethrowForPage);
  return (
    <>
      <PageHeader
        title="Analytics"
        description="Storefront visits, where they come from, and what people look at."
        actions={
          <nav aria-label="Date range" className="flex gap-1">
            {ranges.map((r) => (
              <Link key={r} href={`?days=${r}`} aria-current={r === days ? "page" : undefined} className={cn("rounded-md px-3 py-1.5 text-sm", r === days ? "bg-muted font-medium" : "text-muted-foreground hover:bg-muted")}>
                {r} days
              </Link>
            ))}
          </nav>
        }
      />
      <div className="mb-6 grid gap-4 sm:grid-cols-2">
        <Card>
          <CardHeader>
            <CardDescription>Visits</CardDescription>
            <CardTitle className="text-3xl" data-testid="total-visits">
              {summary.totals.visits.toLocaleString("en")}
            </CardTitle>
          </CardHeader>
        </Card>
        <Card>
          <CardHeader>
            <CardDescription>Unique visitors</CardDescription>
            <CardTitle className="text-3xl">{summary.totals.visitors.toLocaleString("en")}</CardTitle>
          </CardHeader>
        </Card>
      </div>
      <Card className="mb-6">
        <CardHeader>
          <CardTitle>Visits over time</CardTitle>
        </CardHeader>
        <CardContent>
          {summary.totals.visits === 0 ? <p className="py-8 text-center text-sm text-muted-foreground">No visits in this period yet. Share your storefront link to get started.</p> : <VisitsChart daily={summary.daily} />}
        </CardContent>
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Top sources</CardTitle>
            <CardDescription>utm_source, else the referring site.</CardDescription>
          </CardHeader>
          <CardContent>
            <TopBarChart data={summary.topSources.map((s) => ({ name: s.source, visits: s.visits }))} label="Top sources" />
            <Table containerClassName="mt-4" data-testid="top-sources">
              <TableBody>
                {summary.topSources.map((s) => (
                  <TableRow key={s.source}>
                    <TableCell className="py-1.5">{s.source}</TableCell>
                    <TableCell numeric className="py-1.5">{s.visits}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Top campaigns</CardTitle>
            <CardDescription>utm_campaign</CardDescription>
          </CardHeader>
          <CardContent>
            <TopBarChart data={summary.topCampaigns.map((c) => ({ name: c.campaign, visits: c.visits }))} label="Top campaigns" />
          </CardContent>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Top products</CardTitle>
          </CardHeader>
          <CardContent>
            <TopBarChart data={summary.topProducts.map((p) => ({ name: p.name, visits: p.visits }))} label="Top products" />
          </CardContent>
        </Card>
      </div>
    </>
  );
}
