import { createHmac } from "node:crypto";
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

/** A pseudonymous key for the client's address (keyed hash), for counters that must not store it. */
export function clientKey(headers: Headers): string | null {
  const ip = clientIp(headers);
  return ip ? createHmac("sha256", env.AUTH_SECRET).update(ip).digest("base64url").slice(0, 22) : null;
}
