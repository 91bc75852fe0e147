import { ArrowRight } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/dashboard/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";

export const metadata: Metadata = { title: "Overview" };

const statusVariant = { active: "success", suspended: "danger", failed: "danger", pending: "warning", provisioning: "warning", deleted: "muted" } as const;

export default async function OverviewPage({ params }: PageProps<"/dashboard/[tenant]">) {
  const { tenant: slug } = await params;
  const tenant = await (await getServerApi()).tenants.bySlug({ tenantSlug: slug }).catch(rethrowForPage);
  const next = [
    { href: "catalog", title: "Add your first products", text: "Build your catalog with prices and images." },
    { href: "storefront", title: "Brand your storefront", text: "Logo, colours and a welcome message." },
    { href: "settings", title: "Review your settings", text: "Shop name, currency and brand colour." },
  ];
  return (
    <>
      <PageHeader
        title={tenant.name}
        description={`Your storefront address: /s/${tenant.slug}`}
        actions={
          <div className="flex items-center gap-2">
            <Badge variant={statusVariant[tenant.status]}>{tenant.status}</Badge>
            <Badge variant="muted">{tenant.plan} plan</Badge>
            <Badge variant="muted">you are {tenant.role}</Badge>
          </div>
        }
      />
      <h2 className="mb-3 text-sm font-medium text-muted-foreground">Get started</h2>
      <div className="grid gap-4 md:grid-cols-3">
        {next.map((n) => (
          <Link key={n.href} href={`/dashboard/${tenant.slug}/${n.href}`} className="group rounded-xl focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
            <Card className="h-full transition-colors group-hover:bg-muted/50">
              <CardHeader>
                <CardTitle className="flex items-center justify-between text-base">
                  {n.title} <ArrowRight className="size-4 text-muted-foreground" aria-hidden />
                </CardTitle>
                <CardDescription>{n.text}</CardDescription>
              </CardHeader>
            </Card>
          </Link>
        ))}
      </div>
    </>
  );
}
