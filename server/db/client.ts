import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "@/server/env";
import * as schema from "./schema";

function createClient() {
  const sql = postgres(env.DATABASE_URL, {
    max: env.DATABASE_POOL_SIZE,
    onnotice: () => {},
    // Fail fast when the server is away: a refused or slow connect errors within the timeout
    // (postgres.js waits 30 s by default), and no statement holds a connection forever.
    connect_timeout: env.DATABASE_CONNECT_TIMEOUT_MS / 1000,
    // postgres.js waits before reconnecting after failed connections, 3^n / 100 s up to 20 s
    // (n counts every failure of the pool): after an 8 s outage the app answered again only ~8 s
    // after the database did. The breaker (availability.ts) already keeps attempts rare while the
    // database is away, so the wait stays short: at most half a second.
    backoff: (retries: number) => Math.min(0.05 * retries, 0.5),
    connection: { application_name: "souk", statement_timeout: env.DATABASE_STATEMENT_TIMEOUT_MS },
  });
  return { sql, db: drizzle(sql, { schema, casing: "snake_case" }) };
}

// One pool per process; survives Next.js hot reloads in development.
const globalForDb = globalThis as unknown as { soukDb?: ReturnType<typeof createClient> };
const client = globalForDb.soukDb ?? createClient();
if (!env.isProduction) globalForDb.soukDb = client;

/** Raw postgres.js client, for health checks and shutdown. Application code uses the doors in tenancy.ts. */
export const sql = client.sql;
/** Not exported from server/db: reach the database through withTenant/withSystem. */
export const db = client.db;

export type Database = typeof db;
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

export async function closeDb() {
  await sql.end({ timeout: 5 });
  globalForDb.soukDb = undefined;
}
