import Link from "next/link";
import { notFound } from "next/navigation";
import { ProductGrid } from "@/components/storefront/product-card";
import { VisitBeacon } from "@/components/storefront/visit-beacon";
import { loadHomeProducts, loadOpenStorefront, loadShop } from "@/server/storefront/data";

export const revalidate = 3600;

export default async function StorefrontHome({ params }: PageProps<"/s/[tenant]">) {
  const { tenant: slug } = await params;
  const tenant = await loadOpenStorefront(slug);
  if (!tenant) notFound();
  const [shop, products] = await Promise.all([loadShop(tenant), loadHomeProducts(tenant)]);
  const { branding } = shop;
  const title = branding.heroTitle || branding.title || tenant.name;
  return (
    <>
      <section className="mb-10 rounded-2xl px-6 py-12 text-white" style={{ background: `linear-gradient(135deg, ${branding.primaryColor}, ${branding.accentColor})` }}>
        <h1 className="text-3xl font-bold md:text-4xl">{title}</h1>
        {branding.tagline ? <p className="mt-2 text-lg opacity-90">{branding.tagline}</p> : null}
        {branding.heroText ? <p className="mt-4 max-w-2xl whitespace-pre-line opacity-90">{branding.heroText}</p> : null}
      </section>
      <section aria-labelledby="featured" className="mb-10">
        <h2 id="featured" className="mb-4 text-xl font-semibold">
          Featured products
        </h2>
        <ProductGrid products={products} shopSlug={tenant.slug} empty="No products yet — come back soon." />
      </section>
      {shop.categories.length ? (
        <section aria-labelledby="categories">
          <h2 id="categories" className="mb-4 text-xl font-semibold">
            Categories
          </h2>
          <ul className="grid grid-cols-2 gap-4 sm:grid-cols-4">
            {shop.categories.map((c) => (
              <li key={c.id}>
                <Link href={`/s/${tenant.slug}/c/${c.slug}`} className="block rounded-lg border p-4 font-medium hover:bg-muted">
                  {c.name}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <VisitBeacon tenant={tenant.slug} />
    </>
  );
}
