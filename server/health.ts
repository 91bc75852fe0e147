import packageJson from "@/package.json";
import { markDatabaseAvailable } from "@/server/db/availability";
import { sql } from "@/server/db/client";
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

export async function getHealth() {
  const [db, s3] = await Promise.all([checkDatabase(), checkStorage()]);
  return {
    status: db === "ok" && s3 === "ok" ? ("ok" as const) : ("degraded" as const),
    db,
    s3,
    version: packageJson.version,
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  };
}
