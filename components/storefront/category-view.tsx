import Link from "next/link";
import { ProductGrid } from "@/components/storefront/product-card";
import { VisitBeacon } from "@/components/storefront/visit-beacon";
import type { PublicProductCard, PublicShop } from "@/server/domain/storefront";

type Props = {
  shopSlug: string;
  shop: PublicShop;
  data: { category: { id: string; slug: string; name: string; description: string }; products: PublicProductCard[]; page: number; pageCount: number };
};

/** A category page; page 1 lives at /c/{slug}, later pages at /c/{slug}/page/{n} (static paths, so ISR caches them). */
export function CategoryView({ shopSlug, shop, data }: Props) {
  const base = `/s/${shopSlug}/c/${data.category.slug}`;
  const href = (n: number) => (n === 1 ? base : `${base}/page/${n}`);
  const children = shop.categories.filter((c) => c.parentId === data.category.id);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-4 text-sm text-muted-foreground">
        <Link href={`/s/${shopSlug}`} className="hover:underline">
          Home
        </Link>{" "}
        / <span aria-current="page">{data.category.name}</span>
      </nav>
      <h1 className="mb-2 text-2xl font-semibold">{data.category.name}</h1>
      {data.category.description ? <p className="mb-6 text-muted-foreground">{data.category.description}</p> : null}
      {children.length ? (
        <ul className="mb-6 flex flex-wrap gap-2">
          {children.map((c) => (
            <li key={c.id}>
              <Link href={`/s/${shopSlug}/c/${c.slug}`} className="rounded-full border px-3 py-1 text-sm hover:bg-muted">
                {c.name}
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      <ProductGrid products={data.products} shopSlug={shopSlug} empty="No products in this category yet." />
      {data.pageCount > 1 ? (
        <nav aria-label="Pages" className="mt-8 flex items-center justify-center gap-4 text-sm">
          {data.page > 1 ? (
            <Link href={href(data.page - 1)} rel="prev" className="rounded-md border px-3 py-1.5 hover:bg-muted">
              Previous
            </Link>
          ) : null}
          <span>
            Page {data.page} of {data.pageCount}
          </span>
          {data.page < data.pageCount ? (
            <Link href={href(data.page + 1)} rel="next" className="rounded-md border px-3 py-1.5 hover:bg-muted">
              Next
            </Link>
          ) : null}
        </nav>
      ) : null}
      <VisitBeacon tenant={shopSlug} />
    </>
  );
}
