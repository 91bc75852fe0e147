import type { TestProject } from "vitest/node";
import { createRunDatabase } from "../scripts/lib/postgres";

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
  const template = `souk_test_template_${process.pid}`;
  const run = await createRunDatabase(template);
  project.provide("adminDatabaseUrl", run.adminUrl);
  project.provide("templateDatabase", template);
  return run.dispose;
}
