import type { Metadata } from "next";
import { ProductForm } from "@/components/catalog/product-form";
import { PageHeader } from "@/components/dashboard/page-header";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { roleAtLeast } from "@/server/domain/context";

export const metadata: Metadata = { title: "New product" };

export default async function NewProductPage({ params }: PageProps<"/dashboard/[tenant]/catalog/new">) {
  const { tenant: slug } = await params;
  const tenant = await (await getServerApi()).tenants.bySlug({ tenantSlug: slug }).catch(rethrowForPage);
  return (
    <>
      <PageHeader title="New product" description="Images can be added once the product is saved." />
      <ProductForm tenantSlug={tenant.slug} canEdit={roleAtLeast(tenant.role, "member") && tenant.status !== "suspended"} defaultCurrency={tenant.defaultCurrency} />
    </>
  );
}
