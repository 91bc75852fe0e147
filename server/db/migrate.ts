import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { runMigrations as runWorkerMigrations } from "graphile-worker";
import postgres from "postgres";

export const migrationsFolder = path.join(process.cwd(), "drizzle");

/** Applies committed drizzle-kit migrations and the job queue's schema. Safe to run concurrently and repeatedly. */
export async function runMigrations(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    // Serialise concurrent migrators (several dev processes, test workers).
    await sql`select pg_advisory_lock(7355608)`;
    await migrate(drizzle(sql), { migrationsFolder });
    // The job queue's own schema (graphile_worker), so the app can enqueue before a worker has started.
    await runWorkerMigrations({ connectionString: databaseUrl });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
