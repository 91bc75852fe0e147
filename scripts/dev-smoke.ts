/**
 * npm run test:dev — the development smoke test: what a newcomer's first minutes do.
 *
 * 1. A fresh migrated database (TEST_DATABASE_URL's server, else embedded) and free ports.
 * 2. `npm run dev` (scripts/dev.ts: s3rver, Stripe emulator, seed, worker, next dev), until healthy.
 * 3. Stopped as Ctrl-C would, and started again: restarts must leave a working dev server.
 * 4. Playwright (e2e/dev/) in Chromium: pages at 127.0.0.1 and at demo-shop.localhost run their
 *    scripts, and nothing reloads itself.
 * It shares .next/dev and .data/ with this checkout's own `npm run dev`: stop that one first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createRunDatabase, type RunDatabase } from "./lib/postgres";
import { freePort, waitForHttp } from "./lib/ports";
import { runMain, runPlaywright, tsxBin } from "./lib/processes";

const root = process.cwd();

function startDev(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [tsxBin, "scripts/dev.ts"], { env, stdio: ["ignore", "inherit", "inherit"] });
}

async function stopDev(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGINT");
  return exited;
}

async function main(): Promise<number> {
  let runDb: RunDatabase | undefined;
  let dev: ChildProcess | undefined;
  try {
    runDb = await createRunDatabase(`souk_devsmoke_${process.pid}`);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "development",
      DATABASE_URL: runDb.url,
      PORT: String(port),
      S3RVER_PORT: String(await freePort()),
      STRIPE_EMULATOR_PORT: String(await freePort()),
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    };
    const health = `http://127.0.0.1:${port}/api/health`;

    console.log(`[dev-smoke] npm run dev on port ${port}…`);
    dev = startDev(env);
    await waitForHttp(health, 300_000);
    // A page compiled before the stop, as a developer would have had open.
    await fetch(`http://127.0.0.1:${port}/sign-up`, { signal: AbortSignal.timeout(240_000) });
    console.log("[dev-smoke] stopping (Ctrl-C) and starting again…");
    const code = await stopDev(dev);
    if (code !== 0) throw new Error(`npm run dev exited with ${code} on Ctrl-C`);
    dev = startDev(env);
    await waitForHttp(health, 300_000);

    const config = path.join(root, "e2e/dev/playwright.config.ts");
    return await runPlaywright(["--config", config, ...process.argv.slice(2)], { ...process.env, DEV_SMOKE_PORT: String(port) });
  } finally {
    if (dev) await stopDev(dev);
    await runDb?.dispose();
  }
}

runMain(main);
