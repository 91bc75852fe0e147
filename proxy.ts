import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/server/env";
import { availabilityFor } from "@/server/storefront/availability";
import { storefrontRoute, unavailableHtml } from "@/server/storefront/routing";

/**
 * Runs before every matched request:
 * 1. gives each request an id that logs and audit rows carry (x-request-id,
 *    kept if a trusted proxy already set one);
 * 2. rewrites `{slug}.BASE_DOMAIN` hosts to the storefront at /s/{slug};
 * 3. answers a suspended shop's storefront with a real HTTP 503 (a page cannot
 *    set its own status), using a per-process memo so this is not a query per request.
 */
export async function proxy(request: NextRequest) {
  const requestId = request.headers.get("x-request-id") ?? crypto.randomUUID();
  const headers = new Headers(request.headers);
  headers.set("x-request-id", requestId);

  const route = storefrontRoute(request.headers.get("host"), request.nextUrl.pathname, env.BASE_DOMAIN);
  if (route && (await availabilityFor(route.slug)) === "suspended") {
    return new NextResponse(unavailableHtml(), {
      status: 503,
      headers: { "content-type": "text/html; charset=utf-8", "retry-after": "3600", "cache-control": "no-store", "x-request-id": requestId },
    });
  }

  let response: NextResponse;
  if (route?.rewriteTo) {
    const url = request.nextUrl.clone();
    url.pathname = route.rewriteTo;
    response = NextResponse.rewrite(url, { request: { headers } });
  } else {
    response = NextResponse.next({ request: { headers } });
  }
  response.headers.set("x-request-id", requestId);
  return response;
}

// Stripe webhooks skip the proxy: it has nothing to do for them, and at webhook
// rates its per-request cost was a fifth of the handler's (bench:webhooks).
export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/webhooks).*)"],
};
