import { env } from "@/server/env";

/**
 * The client's address as the nearest trusted proxy saw it, for per-address limits.
 * Each proxy appends the address it received the request from to X-Forwarded-For, and
 * Next.js fills the header with the socket's address when a request arrives without
 * one; entries further left are whatever the client sent. With TRUSTED_PROXY_HOPS = N,
 * the client is the N-th entry from the right. Null with 0 hops or too few entries:
 * better no per-address key than one the client chose.
 */
export function clientIp(headers: Headers, hops = env.TRUSTED_PROXY_HOPS): string | null {
  if (hops < 1) return null;
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.length >= hops ? entries[entries.length - hops]! : null;
}
