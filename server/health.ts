import packageJson from "@/package.json";
import { markDatabaseAvailable } from "@/server/db/availability";
import { sql } from "@/server/db/client";
import { getRedis } from "@/server/integrations/redis";
import { checkBucket } from "@/server/integrations/s3";

const startedAt = Date.now();

export type DependencyStatus = "ok" | "down";

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function checkDatabase(): Promise<DependencyStatus> {
  try {
    await withTimeout(sql`select 1`, 2000);
    // Health is the breaker's probe too: pages answer again as soon as it sees the database.
    markDatabaseAvailable();
    return "ok";
  } catch {
    return "down";
  }
}

async function checkStorage(): Promise<DependencyStatus> {
  try {
    await withTimeout(checkBucket(), 2000);
    return "ok";
  } catch {
    return "down";
  }
}

/**
 * The shared cache is an accelerator, not a dependency: without it pages render from the
 * database, so Redis down is "degraded" and leaves the app's status alone. "off": not configured.
 */
async function checkRedis(): Promise<"ok" | "degraded" | "off"> {
  const redis = getRedis();
  if (!redis) return "off";
  try {
    await withTimeout(redis.ping(), 500);
    return "ok";
  } catch {
    return "degraded";
  }
}

export async function getHealth() {
  const [db, s3, redis] = await Promise.all([checkDatabase(), checkStorage(), checkRedis()]);
  return {
    status: db === "ok" && s3 === "ok" ? ("ok" as const) : ("degraded" as const),
    db,
    s3,
    redis,
    version: packageJson.version,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  };
}
