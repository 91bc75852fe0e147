import "server-only";
import { Redis } from "ioredis";
import { env } from "@/server/env";

/**
 * The app's own Redis connection (the cache handler has its own: Next.js loads it
 * outside the bundles). Null when REDIS_URL is unset. Commands fail at once while
 * disconnected instead of queueing, so a dead Redis never holds a request.
 */
let client: Redis | null | undefined;

export function getRedis(): Redis | null {
  if (client !== undefined) return client;
  client = env.REDIS_URL
    ? new Redis(env.REDIS_URL, {
        connectTimeout: 1000,
        commandTimeout: 500,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: (times) => Math.min(times * 100, 1000),
      })
    : null;
  // Errors are reported by the health check; an unhandled "error" event would crash the process.
  client?.on("error", () => {});
  return client;
}
