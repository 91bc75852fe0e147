/**
 * npm run dev — the zero-configuration development orchestrator.
 *
 * 1. Loads .env when present. Every variable is optional here.
 * 2. Checks the web port is free (PORT, default 3000) before starting anything.
 * 3. PostgreSQL: DATABASE_URL when set, else an embedded server with its data
 *    under .data/postgres (kept across restarts).
 * 4. Generates AUTH_SECRET once into .data/ when unset.
 * 5. Applies migrations and seeds the demo shop (idempotent).
 * 6. Without STRIPE_SECRET_KEY, starts the local Stripe emulator (STRIPE_EMULATOR_PORT, default
 *    12111) sending signed webhooks to this app.
 * 7. Without S3_ENDPOINT, starts s3rver (data under .data/s3, port S3RVER_PORT, default 4569)
 *    with the media bucket created, and points the app at it.
 * 8. Starts the job worker and Next.js, waits until /api/health answers, prints the URLs.
 * Ctrl-C stops every child, then the embedded database.
 *
 * Restarts are safe: a half-written Turbopack cache in .next/dev made every page reload itself in a
 * loop after a restart, so next.config.ts turns that persistent cache off. Next still keeps its dev
 * build in .next/dev: it gets a minute to stop, and a marker in .data/ says whether it did; after a
 * run that crashed or was killed, .next/dev is removed before Next.js starts again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { canConnect, createDatabase, databaseUrl, startEmbeddedPostgres, type RunningPostgres } from "./lib/postgres";
import { isPortFree, waitForHttp } from "./lib/ports";
import { startStripeEmulator, type StripeEmulator } from "./stripe-emulator/server";
import { startLocalS3, type LocalS3 } from "./lib/s3rver-local";
import { nextBin, tsxBin } from "./lib/processes";

const root = process.cwd();
const dataDir = path.join(root, ".data");
if (existsSync(".env")) process.loadEnvFile(".env");

const port = Number(process.env.PORT ?? 3000);
const embeddedPgPort = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329);
const children: ChildProcess[] = [];
/** Present while a Next.js dev server of ours runs; left behind when one did not stop cleanly. */
const nextRunningMarker = path.join(dataDir, "next-dev-running");
const nextDevDir = path.join(root, ".next", "dev");
/** How long each child may take to stop before SIGKILL: Next.js writes its cache out on the way. */
const stopGraceMs: Record<string, number> = { next: 60_000 };
let embedded: RunningPostgres | undefined;
let stripeEmulator: StripeEmulator | undefined;
let localS3: LocalS3 | undefined;
let stopping = false;

function log(message: string) {
  console.log(`\x1b[36m[souk]\x1b[0m ${message}`);
}

function fail(message: string): never {
  console.error(`\x1b[31m[souk]\x1b[0m ${message}`);
  void shutdown(1);
  throw new Error(message);
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          const name = childNames.get(child) ?? "";
          const stoppedCleanly = () => {
            if (name === "next") rmSync(nextRunningMarker, { force: true });
            resolve();
          };
          if (child.exitCode !== null || child.signalCode !== null) return name === "next" && child.exitCode === 0 ? stoppedCleanly() : resolve();
          const timer = setTimeout(() => {
            // Killed mid-write: the marker stays, and the next run starts from a clean .next/dev.
            child.kill("SIGKILL");
            resolve();
          }, stopGraceMs[name] ?? 10_000);
          child.once("exit", () => {
            clearTimeout(timer);
            stoppedCleanly();
          });
        }),
    ),
  );
  await stripeEmulator?.close().catch(() => {});
  await localS3?.stop().catch(() => {});
  if (embedded) await embedded.stop().catch(() => {});
  process.exit(code);
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

function persistentSecret(file: string): string {
  const target = path.join(dataDir, file);
  if (existsSync(target)) return readFileSync(target, "utf8").trim();
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(target, secret, { mode: 0o600 });
  return secret;
}

const childNames = new Map<ChildProcess, string>();

function startChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { env, stdio: ["ignore", "inherit", "inherit"] });
  children.push(child);
  childNames.set(child, name);
  child.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`[souk] ${name} exited (${signal ?? code}); stopping everything.`);
    void shutdown(code ?? 1);
  });
  return child;
}

async function main() {
  const started = Date.now();
  mkdirSync(dataDir, { recursive: true });

  if (!(await isPortFree(port))) {
    fail(`Port ${port} is already in use. Stop the process using it, or choose another port: PORT=3001 npm run dev`);
  }

  let databaseUrlValue = process.env.DATABASE_URL;
  if (databaseUrlValue) {
    if (!(await canConnect(databaseUrlValue, 5))) fail("DATABASE_URL is set but the database does not answer. Check the server is running and the URL is right.");
    log("using PostgreSQL from DATABASE_URL");
  } else {
    if (!(await isPortFree(embeddedPgPort, "127.0.0.1"))) {
      fail(`Port ${embeddedPgPort} (embedded PostgreSQL) is in use — is another "npm run dev" running? Stop it, or set EMBEDDED_POSTGRES_PORT.`);
    }
    log(`starting embedded PostgreSQL on port ${embeddedPgPort} (data in .data/postgres)…`);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), port: embeddedPgPort, persistent: true, quiet: true });
    await createDatabase(embedded.adminUrl, "souk", { ifMissing: true });
    databaseUrlValue = databaseUrl(embedded.adminUrl, "souk");
  }

  const appUrl = process.env.APP_URL ?? `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrlValue,
    AUTH_SECRET: process.env.AUTH_SECRET ?? persistentSecret("auth-secret"),
    APP_URL: appUrl,
    PORT: String(port),
  };
  Object.assign(process.env, env);

  if (!process.env.STRIPE_SECRET_KEY) {
    const stripePort = Number(process.env.STRIPE_EMULATOR_PORT ?? 12111);
    if (!(await isPortFree(stripePort, "127.0.0.1"))) fail(`Port ${stripePort} (Stripe emulator) is in use. Stop it, or set STRIPE_EMULATOR_PORT.`);
    const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET ?? "whsec_souk_local_emulator";
    stripeEmulator = await startStripeEmulator({ port: stripePort, webhookUrl: `http://127.0.0.1:${port}/api/webhooks/stripe`, webhookSecret });
    Object.assign(env, { STRIPE_API_BASE: stripeEmulator.url, STRIPE_WEBHOOK_SECRET: webhookSecret });
    Object.assign(process.env, env);
    log(`Stripe emulator on ${stripeEmulator.url} (no STRIPE_SECRET_KEY; webhooks → /api/webhooks/stripe)`);
  }

  if (!process.env.S3_ENDPOINT) {
    const s3Port = Number(process.env.S3RVER_PORT ?? 4569);
    if (!(await isPortFree(s3Port, "127.0.0.1"))) fail(`Port ${s3Port} (s3rver) is in use. Stop it, or set S3RVER_PORT.`);
    mkdirSync(path.join(dataDir, "s3"), { recursive: true });
    localS3 = await startLocalS3({ directory: path.join(dataDir, "s3"), port: s3Port, bucket: process.env.S3_BUCKET ?? "souk-media" });
    Object.assign(env, { S3_ENDPOINT: localS3.endpoint, S3_BUCKET: localS3.bucket });
    Object.assign(process.env, env);
    log(`s3rver on ${localS3.endpoint}, bucket ${localS3.bucket} (no S3_ENDPOINT; data in .data/s3)`);
  }

  log("applying migrations…");
  const { runMigrations } = await import("../server/db/migrate");
  await runMigrations(databaseUrlValue);
  const { seedDemo, DEMO_OWNER, DEMO_SHOP } = await import("../server/db/seed");
  const { closeDb } = await import("../server/db/client");
  await seedDemo();
  await closeDb();

  log("starting the job worker…");
  startChild("worker", process.execPath, [tsxBin, "server/jobs/worker.ts"], env);

  if (existsSync(nextRunningMarker) && existsSync(nextDevDir)) {
    log("the previous Next.js dev server did not stop cleanly; removing .next/dev (its cache may be half written)…");
    rmSync(nextDevDir, { recursive: true, force: true });
  }
  // Next's data cache (unstable_cache: storefront pages' queries, by shop slug and id) outlives
  // restarts in .next/dev/cache/fetch-cache, but the database may have changed meanwhile (the seed
  // just ran, migrations, another DATABASE_URL): the storefront would show stale data for an hour.
  rmSync(path.join(nextDevDir, "cache", "fetch-cache"), { recursive: true, force: true });
  writeFileSync(nextRunningMarker, String(process.pid));
  log("starting Next.js…");
  startChild("next", process.execPath, [nextBin, "dev", "--port", String(port)], env);
  await waitForHttp(`http://127.0.0.1:${port}/api/health`, 180_000);

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`
\x1b[32m  Souk is running\x1b[0m (ready in ${seconds}s)

  App              ${appUrl}
  Sign up          ${appUrl}/sign-up
  Demo dashboard   ${appUrl}/dashboard/${DEMO_SHOP.slug}
  Demo sign-in     ${DEMO_OWNER.email} / ${DEMO_OWNER.password}
  Mailbox          ${appUrl}/dev/mailbox
  Health           ${appUrl}/api/health
  Stripe           ${stripeEmulator ? `local emulator ${stripeEmulator.url} (test controls under /_emulator/)` : "STRIPE_SECRET_KEY"}
  Media (S3)       ${localS3 ? `s3rver ${localS3.endpoint}/${localS3.bucket} (.data/s3)` : "S3_ENDPOINT / AWS S3"}
  Database         ${embedded ? "embedded PostgreSQL (.data/postgres)" : "DATABASE_URL"}

  Press Ctrl-C to stop.
`);
}

main().catch((error: unknown) => {
  if (!stopping) {
    console.error(error);
    void shutdown(1);
  }
});
