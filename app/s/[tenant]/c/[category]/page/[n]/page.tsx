import type { Metadata } from "next";
import { notFound, permanentRedirect } from "next/navigation";
import { CategoryView } from "@/components/storefront/category-view";
import { loadCategory, loadOpenStorefront, loadShop } from "@/server/storefront/data";

export const revalidate = 3600;
export function generateStaticParams() {
  return [];
}

function pageNumber(n: string): number | null {
  return /^[1-9][0-9]{0,4}$/.test(n) ? Number(n) : null;
}

export async function generateMetadata({ params }: PageProps<"/s/[tenant]/c/[category]/page/[n]">): Promise<Metadata> {
  const { tenant: slug, category: categorySlug, n } = await params;
  const page = pageNumber(n);
  const tenant = await loadOpenStorefront(slug);
  const data = tenant && page ? await loadCategory(tenant, categorySlug, page) : null;
  if (!tenant || !data) return {};
  return { title: `${data.category.name} — page ${data.page}`, alternates: { canonical: `/s/${tenant.slug}/c/${data.category.slug}/page/${data.page}` } };
}

export default async function CategoryPageN({ params }: PageProps<"/s/[tenant]/c/[category]/page/[n]">) {
  const { tenant: slug, category: categorySlug, n } = await params;
  const page = pageNumber(n);
  if (!page) notFound();
  if (page === 1) permanentRedirect(`/s/${slug}/c/${categorySlug}`);
  const tenant = await loadOpenStorefront(slug);
  if (!tenant) notFound();
  const [data, shop] = await Promise.all([loadCategory(tenant, categorySlug, page), loadShop(tenant)]);
  if (!data || data.products.length === 0) notFound();
  return <CategoryView shopSlug={tenant.slug} shop={shop} data={data} />;
}
