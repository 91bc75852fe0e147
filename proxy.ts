import { NextResponse, type NextRequest } from "next/server";
import { requestIdFrom } from "@/lib/request-id";
import { TOO_MANY_REQUESTS_MESSAGE } from "@/lib/rate-limit-message";
import { env } from "@/server/env";
import { limitPublicRequest, retryMessage, withRateLimitHeaders, type RateLimitDecision } from "@/server/rate-limit";
import { availabilityFor } from "@/server/storefront/availability";
import { databaseUnavailable, DATABASE_RETRY_AFTER_SECONDS, isConnectionError } from "@/server/db/availability";
import { serviceUnavailableHtml, shopNotFoundHtml, storefrontRoute, unavailableHtml } from "@/server/storefront/routing";

/**
 * Runs before every matched request:
 * 0. while the database is out of reach (server/db/availability.ts), answers pages, storefront
 *    ones included, with a 503 and Retry-After at once: a page cannot set that status itself, and
 *    one that renders then (an edit expired a storefront page from Next's cache) would fail with
 *    a 500. API routes answer their own 503, in their own format;
 * 1. counts POSTs to the public account forms and the visit beacon against the client's address
 *    (server/rate-limit.ts) and answers 429 over the limit, before anything else is done;
 * 2. gives each app and API request an id that logs and audit rows carry
 *    (x-request-id, kept if a proxy in front already set a well-formed one, else fresh);
 * 3. rewrites `{slug}.BASE_DOMAIN` hosts to the storefront at /s/{slug};
 * 4. answers a suspended shop's storefront with a real HTTP 503 (a page cannot
 *    set its own status) and a slug without a shop (never created, not yet active,
 *    deleted) with a 404, using a per-process memo so this is not a query per request.
 *    Cached storefront pages rely on this gate: they are not re-rendered when the
 *    worker changes a shop's status.
 */
export async function proxy(request: NextRequest) {
  if (databaseUnavailable() && !request.nextUrl.pathname.startsWith("/api/")) return serviceUnavailable();
  const limited = await limitPublicRequest(request.method, request.nextUrl.pathname, request.headers);
  if (limited && !limited.allowed) return tooManyRequests(limited);
  const route = storefrontRoute(request.headers.get("host"), request.nextUrl.pathname, env.BASE_DOMAIN);
  if (!route) {
    const requestId = requestIdFrom(request.headers.get("x-request-id"));
    const headers = new Headers(request.headers);
    headers.set("x-request-id", requestId);
    const response = NextResponse.next({ request: { headers } });
    response.headers.set("x-request-id", requestId);
    return limited ? withRateLimitHeaders(response, limited) : response;
  }

  // Public storefront pages are cached HTML with nothing to log or audit, so they carry no
  // request id: forwarding a changed request header makes Next.js copy every header, per request.
  let availability;
  try {
    availability = await availabilityFor(route.slug);
  } catch (error) {
    if (isConnectionError(error)) return serviceUnavailable();
    throw error;
  }
  if (availability === "suspended") return htmlAnswer(unavailableHtml(), 503, { "retry-after": "3600" });
  if (availability === "missing") return htmlAnswer(shopNotFoundHtml(), 404);
  if (!route.rewriteTo) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = route.rewriteTo;
  return NextResponse.rewrite(url);
}

/**
 * A refusal as plain text: a form's server action surfaces a text/plain error body as its
 * error message (the auth forms show it), and a plain form post shows it as the page.
 */
function tooManyRequests(decision: RateLimitDecision) {
  const response = new NextResponse(`${TOO_MANY_REQUESTS_MESSAGE} ${retryMessage(decision.resetSeconds)}`, {
    status: 429,
    headers: { "content-type": "text/plain", "cache-control": "no-store" },
  });
  return withRateLimitHeaders(response, decision);
}

function serviceUnavailable() {
  return htmlAnswer(serviceUnavailableHtml(), 503, { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) });
}

function htmlAnswer(html: string, status: number, headers: Record<string, string> = {}) {
  return new NextResponse(html, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...headers } });
}

// Stripe webhooks skip the proxy: it has nothing to do for them, and at webhook
// rates its per-request cost was a fifth of the handler's (bench:webhooks). Usage ingestion
// (/api/v1/usage) skips it too: the route sets its own request id, and a machine client's
// stream of batches should not pay the proxy's request copy on each one (bench:ingest). So does
// everything of Next's own under /_next and /__nextjs (assets, and in development the HMR
// socket, fonts and error overlays): on a shop host the proxy would rewrite those into the
// storefront, and each would pay the availability lookup for nothing.
export const config = {
  matcher: ["/((?!_next/|__nextjs|favicon.ico|api/webhooks|api/v1/usage).*)"],
};
