import type { Metadata } from "next";
import { CatalogTabs } from "@/components/catalog/catalog-tabs";
import { ProductTable } from "@/components/catalog/product-table";
import { PageHeader } from "@/components/dashboard/page-header";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { roleAtLeast } from "@/server/domain/context";

export const metadata: Metadata = { title: "Catalog" };

export default async function CatalogPage({ params }: PageProps<"/dashboard/[tenant]/catalog">) {
  const { tenant: slug } = await params;
  const tenant = await (await getServerApi()).tenants.bySlug({ tenantSlug: slug }).catch(rethrowForPage);
  return (
    <>
      <PageHeader title="Catalog" description="Products, prices, images and categories shown on your storefront." />
      <CatalogTabs tenantSlug={tenant.slug} current="products" />
      <ProductTable tenantSlug={tenant.slug} canEdit={roleAtLeast(tenant.role, "member") && tenant.status !== "suspended"} defaultCurrency={tenant.defaultCurrency} />
    </>
  );
}
