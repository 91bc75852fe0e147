import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ProductGrid } from "@/components/storefront/product-card";
import { VisitBeacon } from "@/components/storefront/visit-beacon";
import { loadOpenStorefront, loadSearch } from "@/server/storefront/data";

export const metadata: Metadata = { title: "Search", robots: { index: false } };
// Results depend on ?q=, so this page renders per request (the layout's ISR would otherwise refuse
// searchParams with DYNAMIC_SERVER_USAGE); the query results themselves are cached by tag.
export const dynamic = "force-dynamic";

export default async function SearchPage({ params, searchParams }: PageProps<"/s/[tenant]/search">) {
  const { tenant: slug } = await params;
  const q = (await searchParams).q;
  const query = (Array.isArray(q) ? q[0] : q)?.trim() ?? "";
  const tenant = await loadOpenStorefront(slug);
  if (!tenant) notFound();
  const results = query ? await loadSearch(tenant, query) : [];
  return (
    <>
      <h1 className="mb-6 text-2xl font-semibold">{query ? `Results for “${query}”` : "Search"}</h1>
      {query ? <ProductGrid products={results} shopSlug={tenant.slug} empty="No products match your search." /> : <p className="text-muted-foreground">Type a product name or SKU in the search box above.</p>}
      <VisitBeacon tenant={tenant.slug} />
    </>
  );
}
