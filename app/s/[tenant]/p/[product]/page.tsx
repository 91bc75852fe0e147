import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Gallery } from "@/components/storefront/gallery";
import { VisitBeacon } from "@/components/storefront/visit-beacon";
import { formatPrice } from "@/lib/format-price";
import { loadOpenStorefront, loadProduct } from "@/server/storefront/data";
import { productJsonLd } from "@/server/storefront/json-ld";

export const revalidate = 3600;
export function generateStaticParams() {
  return [];
}

export async function generateMetadata({ params }: PageProps<"/s/[tenant]/p/[product]">): Promise<Metadata> {
  const { tenant: slug, product: productSlug } = await params;
  const tenant = await loadOpenStorefront(slug);
  const product = tenant ? await loadProduct(tenant, productSlug) : null;
  if (!tenant || !product) return {};
  const title = product.seoTitle || product.name;
  const description = product.seoDescription || product.descriptionText;
  return {
    title,
    description: description || `${product.name} — ${formatPrice(product.price, product.currency)}`,
    openGraph: { title, description: description || undefined, type: "website", images: product.images.slice(0, 4).map((i) => i.url) },
    alternates: { canonical: `/s/${tenant.slug}/p/${product.slug}` },
  };
}

export default async function ProductPage({ params }: PageProps<"/s/[tenant]/p/[product]">) {
  const { tenant: slug, product: productSlug } = await params;
  const tenant = await loadOpenStorefront(slug);
  if (!tenant) notFound();
  const product = await loadProduct(tenant, productSlug);
  if (!product) notFound();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-4 text-sm text-muted-foreground">
        <Link href={`/s/${tenant.slug}`} className="hover:underline">
          Home
        </Link>
        {product.category ? (
          <>
            {" / "}
            <Link href={`/s/${tenant.slug}/c/${product.category.slug}`} className="hover:underline">
              {product.category.name}
            </Link>
          </>
        ) : null}
      </nav>
      <div className="grid gap-8 md:grid-cols-2">
        <Gallery images={product.images} name={product.name} />
        <div>
          <h1 className="text-3xl font-semibold">{product.name}</h1>
          <p className="mt-2 text-2xl" data-testid="product-price" style={{ color: "var(--shop-primary)" }}>
            {formatPrice(product.price, product.currency)}
          </p>
          {product.inStock === false ? <p className="mt-2 text-sm text-destructive">Out of stock</p> : null}
          {product.sku ? <p className="mt-1 text-xs text-muted-foreground">SKU {product.sku}</p> : null}
          {/* Sanitized by server/domain/markdown.ts (strict allow list): no scripts, handlers or javascript: URLs survive. */}
          <div className="prose mt-6 max-w-none space-y-3 [&_a]:underline [&_ul]:list-disc [&_ul]:pl-5" data-testid="product-description" dangerouslySetInnerHTML={{ __html: product.descriptionHtml }} />
        </div>
      </div>
      <script
        type="application/ld+json"
        // JSON.stringify output with "<" escaped cannot close the script element.
        dangerouslySetInnerHTML={{ __html: productJsonLd(product) }}
      />
      <VisitBeacon tenant={tenant.slug} productId={product.id} />
    </>
  );
}
