import type { Metadata } from "next";
import { CatalogTabs } from "@/components/catalog/catalog-tabs";
import { CategoryManager } from "@/components/catalog/category-manager";
import { PageHeader } from "@/components/dashboard/page-header";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { roleAtLeast } from "@/server/domain/context";

export const metadata: Metadata = { title: "Categories" };

export default async function CategoriesPage({ params }: PageProps<"/dashboard/[tenant]/catalog/categories">) {
  const { tenant: slug } = await params;
  const tenant = await (await getServerApi()).tenants.bySlug({ tenantSlug: slug }).catch(rethrowForPage);
  return (
    <>
      <PageHeader title="Catalog" description="Group products into categories; drag to set their order on the storefront." />
      <CatalogTabs tenantSlug={tenant.slug} current="categories" />
      <CategoryManager tenantSlug={tenant.slug} canEdit={roleAtLeast(tenant.role, "member") && tenant.status !== "suspended"} />
    </>
  );
}
