import { NextResponse, type NextRequest } from "next/server";

/**
 * Runs before every matched request: gives each request an id that logs and
 * audit rows carry (x-request-id, kept if a trusted proxy already set one).
 */
export function proxy(request: NextRequest) {
  const requestId = request.headers.get("x-request-id") ?? crypto.randomUUID();
  const headers = new Headers(request.headers);
  headers.set("x-request-id", requestId);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("x-request-id", requestId);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
