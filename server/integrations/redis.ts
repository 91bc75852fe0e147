import "server-only";
import { Redis } from "ioredis";
import { env } from "@/server/env";

/**
 * The app's own Redis connection (the cache handler has its own: Next.js loads it
 * outside the bundles). Null when REDIS_URL is unset. Commands fail at once while
 * disconnected instead of queueing, so a dead Redis never holds a request.
 */
const globalForRedis = globalThis as unknown as { soukRedis?: Redis | null };

/** One connection per process, shared by Next's separate module copies (proxy and routes). */
export function getRedis(): Redis | null {
  if (globalForRedis.soukRedis !== undefined) return globalForRedis.soukRedis;
  const client = (globalForRedis.soukRedis = env.REDIS_URL
    ? new Redis(env.REDIS_URL, {
        connectTimeout: 1000,
        commandTimeout: 500,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: (times) => Math.min(times * 100, 1000),
      })
    : null);
  // Errors are reported by the health check (and the rate limiter's fallback warning); an
  // unhandled "error" event would crash the process.
  client?.on("error", () => {});
  return client;
}
