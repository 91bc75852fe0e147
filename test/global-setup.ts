import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { runMigrations } from "../server/db/migrate";
import { createDatabase, databaseUrl, dropDatabase, startEmbeddedPostgres, type RunningPostgres } from "../scripts/lib/postgres";
import { freePort } from "../scripts/lib/ports";

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

/**
 * One PostgreSQL server per test run: TEST_DATABASE_URL when set (any database
 * on a server where we may create databases), else an embedded server in a temp
 * directory. Migrations run once into a template database; every test file then
 * gets its own copy (test/setup-database.ts), so files never see each other's rows.
 */
export default async function setup(project: TestProject) {
  let embedded: RunningPostgres | undefined;
  let tempDir: string | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    tempDir = mkdtempSync(path.join(os.tmpdir(), "souk-test-pg-"));
    embedded = await startEmbeddedPostgres({ dataDir: tempDir, port: await freePort(), persistent: false, quiet: true });
    adminUrl = embedded.adminUrl;
  }
  const template = `souk_test_template_${process.pid}`;
  await dropDatabase(adminUrl, template);
  await createDatabase(adminUrl, template);
  await runMigrations(databaseUrl(adminUrl, template));
  project.provide("adminDatabaseUrl", adminUrl);
  project.provide("templateDatabase", template);

  return async () => {
    await dropDatabase(adminUrl, template).catch(() => {});
    await embedded?.stop();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
}
