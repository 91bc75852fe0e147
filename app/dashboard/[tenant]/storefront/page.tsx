import { ExternalLink } from "lucide-react";
import type { Metadata } from "next";
import { BrandingForm } from "@/components/storefront-admin/branding-form";
import { PageHeader } from "@/components/dashboard/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { roleAtLeast } from "@/server/domain/context";

export const metadata: Metadata = { title: "Storefront" };

export default async function StorefrontSettingsPage({ params }: PageProps<"/dashboard/[tenant]/storefront">) {
  const { tenant: slug } = await params;
  const api = await getServerApi();
  const [tenant, branding] = await Promise.all([api.tenants.bySlug({ tenantSlug: slug }).catch(rethrowForPage), api.storefront.get({ tenantSlug: slug }).catch(rethrowForPage)]);
  return (
    <>
      <PageHeader
        title="Storefront"
        description={`Your public shop at /s/${tenant.slug}`}
        actions={
          <Button asChild variant="outline">
            <a href={`/s/${tenant.slug}`} target="_blank" rel="noreferrer">
              <ExternalLink aria-hidden /> Preview storefront
            </a>
          </Button>
        }
      />
      <Card>
        <CardHeader>
          <CardTitle>Branding</CardTitle>
          <CardDescription>Title, colours, hero and contact details. Changes appear on the storefront within seconds.</CardDescription>
        </CardHeader>
        <CardContent>
          <BrandingForm tenantSlug={tenant.slug} canEdit={roleAtLeast(tenant.role, "member") && tenant.status !== "suspended"} initial={branding} />
        </CardContent>
      </Card>
    </>
  );
}
