import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { env } from "@/server/env";
import { loadOpenStorefront, loadShop } from "@/server/storefront/data";

/** Storefront pages are generated on first request and cached (ISR); catalog edits expire them by tag. */
export const revalidate = 3600;
export function generateStaticParams() {
  return [];
}

export async function generateMetadata({ params }: LayoutProps<"/s/[tenant]">): Promise<Metadata> {
  const { tenant: slug } = await params;
  const tenant = await loadOpenStorefront(slug);
  if (!tenant) return {};
  const { branding } = await loadShop(tenant);
  const title = branding.title ?? tenant.name;
  return {
    metadataBase: new URL(env.APP_URL),
    title: { default: title, template: `%s · ${title}` },
    description: branding.tagline || `${title} — online shop`,
    openGraph: { siteName: title, type: "website", title, description: branding.tagline || undefined, images: branding.logoUrl ? [branding.logoUrl] : undefined },
    alternates: { canonical: `/s/${tenant.slug}` },
  };
}

export default async function StorefrontLayout({ children, params }: LayoutProps<"/s/[tenant]">) {
  const { tenant: slug } = await params;
  const tenant = await loadOpenStorefront(slug);
  if (!tenant) notFound();
  const shop = await loadShop(tenant);
  if (!shop.branding.published) notFound();
  const { branding } = shop;
  const title = branding.title ?? tenant.name;
  const topCategories = shop.categories.filter((c) => !c.parentId);
  const social = Object.entries(branding.socialLinks).filter(([, url]) => url);
  return (
    <div className="flex min-h-dvh flex-col" style={{ "--shop-primary": branding.primaryColor, "--shop-accent": branding.accentColor } as React.CSSProperties}>
      <header className="border-b" style={{ borderTopWidth: 4, borderTopColor: branding.primaryColor }}>
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 py-4">
          <Link href={`/s/${tenant.slug}`} className="flex items-center gap-3 text-xl font-semibold">
            {branding.logoUrl ? (
              // eslint-disable-next-line @next/next/no-img-element -- tenant logo from any host
              <img src={branding.logoUrl} alt="" className="size-10 rounded object-contain" />
            ) : null}
            <span data-testid="shop-title">{title}</span>
          </Link>
          <form action={`/s/${tenant.slug}/search`} role="search" className="flex gap-2">
            <label htmlFor="shop-search" className="sr-only">
              Search products
            </label>
            <input id="shop-search" name="q" type="search" placeholder="Search products" className="h-9 w-48 rounded-md border bg-background px-3 text-sm" />
            <button type="submit" className="h-9 rounded-md px-3 text-sm font-medium text-white" style={{ background: branding.primaryColor }}>
              Search
            </button>
          </form>
        </div>
        {topCategories.length ? (
          <nav aria-label="Categories" className="mx-auto max-w-6xl px-4 pb-3">
            <ul className="flex flex-wrap gap-4 text-sm">
              {topCategories.map((c) => (
                <li key={c.id}>
                  <Link href={`/s/${tenant.slug}/c/${c.slug}`} className="hover:underline">
                    {c.name}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
      </header>
      <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-8">{children}</main>
      <footer className="border-t text-sm text-muted-foreground">
        <div className="mx-auto flex max-w-6xl flex-wrap justify-between gap-4 px-4 py-6">
          <p>© {title}</p>
          <ul className="flex flex-wrap gap-4">
            {branding.contactEmail ? (
              <li>
                <a href={`mailto:${branding.contactEmail}`}>{branding.contactEmail}</a>
              </li>
            ) : null}
            {branding.contactPhone ? <li>{branding.contactPhone}</li> : null}
            {social.map(([name, url]) => (
              <li key={name}>
                <a href={url} rel="noopener noreferrer" target="_blank" className="capitalize hover:underline">
                  {name}
                </a>
              </li>
            ))}
          </ul>
        </div>
      </footer>
    </div>
  );
}
