import { env } from "@/server/env";
import { robotsTxt } from "@/server/domain/storefront";
import { loadOpenStorefront, loadShop } from "@/server/storefront/data";
import { instrumentRoute } from "@/server/observability/http";

// Rendered per request (never at build time, which has no database); the data itself is cached by tag.
export const dynamic = "force-dynamic";

export const GET = instrumentRoute("/s/[tenant]/robots.txt", async (_request: Request, { params }: RouteContext<"/s/[tenant]/robots.txt">) => {
  const { tenant: slug } = await params;
  const tenant = await loadOpenStorefront(slug);
  if (!tenant) return new Response("Not found", { status: 404 });
  const base = `${env.APP_URL.replace(/\/$/, "")}/s/${tenant.slug}`;
  const { branding } = await loadShop(tenant);
  const body = robotsTxt({ slug: tenant.slug, published: branding.published }, base);
  return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8" } });
});
