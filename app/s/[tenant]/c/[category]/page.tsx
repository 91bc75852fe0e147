import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CategoryView } from "@/components/storefront/category-view";
import { loadCategory, loadOpenStorefront, loadShop } from "@/server/storefront/data";

export const revalidate = 3600;
export function generateStaticParams() {
  return [];
}

export async function generateMetadata({ params }: PageProps<"/s/[tenant]/c/[category]">): Promise<Metadata> {
  const { tenant: slug, category: categorySlug } = await params;
  const tenant = await loadOpenStorefront(slug);
  const data = tenant ? await loadCategory(tenant, categorySlug) : null;
  if (!tenant || !data) return {};
  return {
    title: data.category.name,
    description: data.category.description || `${data.category.name} at ${tenant.name}`,
    openGraph: { title: data.category.name, type: "website" },
    alternates: { canonical: `/s/${tenant.slug}/c/${data.category.slug}` },
  };
}

export default async function CategoryPage({ params }: PageProps<"/s/[tenant]/c/[category]">) {
  const { tenant: slug, category: categorySlug } = await params;
  const tenant = await loadOpenStorefront(slug);
  if (!tenant) notFound();
  const [data, shop] = await Promise.all([loadCategory(tenant, categorySlug), loadShop(tenant)]);
  if (!data) notFound();
  return <CategoryView shopSlug={tenant.slug} shop={shop} data={data} />;
}
