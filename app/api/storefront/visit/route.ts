import { randomUUID } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { withErrorAnswer } from "@/server/api/route-errors";
import { instrumentRoute } from "@/server/observability/http";
import { visitInput } from "@/server/domain/analytics";
import { text } from "@/server/domain/text";
import { clientKey } from "@/server/client-ip";
import { env } from "@/server/env";
import { enqueueVisit } from "@/server/storefront/visit-buffer";

/**
 * The storefront's page-view beacon (navigator.sendBeacon). It answers at once
 * and queues the visit for a batched write. The anonymous visitor id lives in a
 * first-party cookie set here; no IP address is stored.
 */
const VISITOR_COOKIE = "souk_vid";
const beaconInput = visitInput.extend({ tenant: text().min(1).max(63) });

export const POST = instrumentRoute("/api/storefront/visit", withErrorAnswer("storefront-visit", async (request: NextRequest) => {
  let parsed;
  try {
    parsed = beaconInput.safeParse(JSON.parse(await request.text()));
  } catch {
    return new NextResponse(null, { status: 400 });
  }
  if (!parsed.success) return new NextResponse(null, { status: 400 });
  const known = request.cookies.get(VISITOR_COOKIE)?.value;
  const visitorId = known && /^[0-9a-f-]{36}$/.test(known) ? known : randomUUID();
  const { tenant, ...visit } = parsed.data;
  enqueueVisit(tenant, { ...visit, visitorId, occurredAt: new Date(), clientKey: clientKey(request.headers) });
  const response = new NextResponse(null, { status: 204, headers: { "cache-control": "no-store" } });
  if (!known) {
    response.cookies.set(VISITOR_COOKIE, visitorId, { httpOnly: true, sameSite: "lax", secure: env.APP_URL.startsWith("https:"), maxAge: 60 * 60 * 24 * 365, path: "/" });
  }
  return response;
}));
