import { env } from "@/server/env";
import { loadOpenStorefront, loadSitemap } from "@/server/storefront/data";
import { instrumentRoute } from "@/server/observability/http";

// Rendered per request (never at build time, which has no database); the data itself is cached by tag.
export const dynamic = "force-dynamic";

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);

export const GET = instrumentRoute("/s/[tenant]/sitemap.xml", async (_request: Request, { params }: RouteContext<"/s/[tenant]/sitemap.xml">) => {
  const { tenant: slug } = await params;
  const tenant = await loadOpenStorefront(slug);
  if (!tenant) return new Response("Not found", { status: 404 });
  const sitemap = await loadSitemap(tenant);
  // An unpublished storefront lists nothing (its pages answer 404 too).
  if (!sitemap) return new Response("Not found", { status: 404 });
  const { products, categories } = sitemap;
  const base = `${env.APP_URL.replace(/\/$/, "")}/s/${tenant.slug}`;
  const urls = [
    `<url><loc>${xmlEscape(base)}</loc></url>`,
    ...categories.map((c) => `<url><loc>${xmlEscape(`${base}/c/${c.slug}`)}</loc><lastmod>${c.updatedAt}</lastmod></url>`),
    ...products.map((p) => `<url><loc>${xmlEscape(`${base}/p/${p.slug}`)}</loc><lastmod>${p.updatedAt}</lastmod></url>`),
  ];
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join("\n")}\n</urlset>\n`;
  return new Response(xml, { headers: { "content-type": "application/xml; charset=utf-8" } });
});
