/**
 * Which storefront a request is for, and where it should be served from.
 * Pure functions (no Next.js imports) so the proxy stays thin and this is unit-tested.
 *
 * 1. `{slug}.BASE_DOMAIN` hosts are rewritten to `/s/{slug}{path}` (except
 *    framework assets and API routes, which every host shares).
 * 2. `/s/{slug}/...` paths on any host name that storefront directly.
 */
const notShopLabels = new Set(["www", "app", "api", "admin"]);

export function subdomainSlug(hostHeader: string | null, baseDomain: string): string | null {
  if (!hostHeader) return null;
  const host = hostHeader.split(":")[0]!.toLowerCase();
  const base = baseDomain.split(":")[0]!.toLowerCase();
  if (!host.endsWith(`.${base}`)) return null;
  const label = host.slice(0, -(base.length + 1));
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label) || notShopLabels.has(label)) return null;
  return label;
}

export type StorefrontRoute = { slug: string; rewriteTo: string | null };

export function storefrontRoute(hostHeader: string | null, pathname: string, baseDomain: string): StorefrontRoute | null {
  const sub = subdomainSlug(hostHeader, baseDomain);
  if (sub && !pathname.startsWith("/_next/") && !pathname.startsWith("/api/")) {
    // Links rendered as /s/{slug}/... also work on the shop's own host.
    if (pathname === `/s/${sub}` || pathname.startsWith(`/s/${sub}/`)) return { slug: sub, rewriteTo: null };
    return { slug: sub, rewriteTo: `/s/${sub}${pathname === "/" ? "" : pathname}` };
  }
  const match = /^\/s\/([a-z0-9-]{1,63})(?:\/|$)/.exec(pathname);
  return match ? { slug: match[1]!, rewriteTo: null } : null;
}

/** Plain, self-contained HTML for answers the proxy gives before any page renders. */
function plainPage(title: string, heading: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;color:#1f2937;background:#f9fafb}main{text-align:center;padding:2rem}h1{font-size:1.5rem}</style></head>
<body><main><h1>${heading}</h1><p>${text}</p></main></body></html>`;
}

/** The body of a suspended shop's 503. */
export const unavailableHtml = () => plainPage("Temporarily unavailable", "This shop is temporarily unavailable", "Please come back a little later.");

/** The body of the 503 while the database is out of reach (any page, not only a shop's). */
export const serviceUnavailableHtml = () => plainPage("Temporarily unavailable", "We'll be right back", "The service is briefly unavailable. This page will work again in a few seconds.");

/** The body of the 404 for a slug with no open or suspended shop behind it. */
export const shopNotFoundHtml = () => plainPage("Shop not found", "There is no shop at this address", "Check the link, or the shop may have closed.");
