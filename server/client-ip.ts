import { createHmac } from "node:crypto";
import { env } from "@/server/env";

/**
 * The client's address as the nearest trusted proxy saw it, for per-address limits, or null.
 *
 * Next.js (`next start`, standalone) exposes no socket address: it fills X-Forwarded-For with the
 * socket's address only when the request arrives WITHOUT that header, and passes a client-sent
 * one through untouched. So on a direct connection the header is whatever the client chose, and
 * nothing tells the two cases apart.
 *
 * - TRUSTED_PROXY_HOPS = 0 (default; the app is reached directly): no header is trusted and
 *   there is no per-address key. A forgeable key would let a client dodge the limit by varying it,
 *   or lock someone else's address out by naming it.
 * - TRUSTED_PROXY_HOPS = N: N proxies each append the address they received the request from
 *   (AWS ALB, nginx's $proxy_add_x_forwarded_for), or the nearest one overwrites the header with it
 *   (docker-compose's nginx): the client is the N-th entry from the right; entries further left
 *   are the client's own writing. Too few entries: null.
 */
export function clientIp(headers: Headers, hops = env.TRUSTED_PROXY_HOPS): string | null {
  if (hops < 1) return null;
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.length >= hops ? entries[entries.length - hops]! : null;
}

/** A pseudonymous key for the client's address (keyed hash), for counters that must not store it. */
export function clientKey(headers: Headers, hops = env.TRUSTED_PROXY_HOPS): string | null {
  const ip = clientIp(headers, hops);
  return ip ? createHmac("sha256", env.AUTH_SECRET).update(ip).digest("base64url").slice(0, 22) : null;
}
