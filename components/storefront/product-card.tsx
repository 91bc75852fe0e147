import Link from "next/link";
import { formatPrice } from "@/lib/format-price";
import type { PublicProductCard } from "@/server/domain/storefront";

export function ProductCard({ product, shopSlug }: { product: PublicProductCard; shopSlug: string }) {
  return (
    <Link href={`/s/${shopSlug}/p/${product.slug}`} className="group block rounded-lg focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-[var(--shop-primary)]">
      <div className="aspect-square overflow-hidden rounded-lg bg-muted">
        {product.imageUrl ? (
          // Storefront images come from the tenant's S3 bucket (any host), so Next's optimizer allow list does not apply.
          // eslint-disable-next-line @next/next/no-img-element
          <img src={product.imageUrl} alt="" loading="lazy" className="size-full object-cover transition-transform group-hover:scale-105" />
        ) : (
          <div className="flex size-full items-center justify-center text-sm text-muted-foreground">No image</div>
        )}
      </div>
      <h3 className="mt-2 text-sm font-medium group-hover:underline">{product.name}</h3>
      <p className="text-sm text-muted-foreground" data-testid="product-price">
        {formatPrice(product.price, product.currency)}
      </p>
    </Link>
  );
}

export function ProductGrid({ products, shopSlug, empty }: { products: PublicProductCard[]; shopSlug: string; empty: string }) {
  if (products.length === 0) return <p className="py-8 text-center text-muted-foreground">{empty}</p>;
  return (
    <ul className="grid grid-cols-2 gap-6 sm:grid-cols-3 lg:grid-cols-4">
      {products.map((p) => (
        <li key={p.id}>
          <ProductCard product={p} shopSlug={shopSlug} />
        </li>
      ))}
    </ul>
  );
}
