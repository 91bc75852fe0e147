import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { createDatabase, databaseUrl, dropDatabase } from "../scripts/lib/postgres";

// Runs in each test file's process before the file is imported: a private copy
// of the migrated template database, dropped when the file finishes.
const adminUrl = inject("adminDatabaseUrl");
const name = `souk_test_${process.pid}_${randomBytes(4).toString("hex")}`;
await createDatabase(adminUrl, name, { template: inject("templateDatabase") });

process.env.DATABASE_URL = databaseUrl(adminUrl, name);
process.env.DATABASE_POOL_SIZE ??= "5";
process.env.AUTH_SECRET ??= "test-secret-that-is-long-enough-for-auth-js";
process.env.LOG_LEVEL ??= "silent";
process.env.APP_URL ??= "http://localhost:3000";
// Tests run the due jobs right after a delivery; the delay itself has its own test.
process.env.STRIPE_EVENT_DELAY_MS ??= "0";

afterAll(async () => {
  const { closeDb } = await import("@/server/db/client");
  await closeDb();
  await dropDatabase(adminUrl, name);
});
