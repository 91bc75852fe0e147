import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort, waitForHttp } from "@/scripts/lib/ports";

const root = process.cwd();
const nextBin = path.join(root, "node_modules/next/dist/bin/next");

/** The environment of a local production build on the development defaults, on this file's database. */
export function productionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    ALLOW_DEVELOPMENT_DEFAULTS: "true",
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    ...extra,
  };
}

/** `next build` once per test file (NEXT_TEST_SKIP_BUILD=1: .next is already built). */
export function buildNext(env: NodeJS.ProcessEnv) {
  if (process.env.NEXT_TEST_SKIP_BUILD === "1") return;
  const result = spawnSync(process.execPath, [nextBin, "build"], { env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (result.status !== 0) throw new Error(`next build failed: ${result.stderr}`);
}

export type NextServer = { url: string; port: number; process: ChildProcess; stop: () => Promise<void> };

export async function startNext(env: NodeJS.ProcessEnv): Promise<NextServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [nextBin, "start", "--port", String(port), "--hostname", "127.0.0.1"], { env: { ...env, PORT: String(port) }, stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/api/health`, 60_000);
  return {
    url,
    port,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/**
 * Polls until `check` holds, starting checks for `ms`; returns when (ms after the start) the
 * check that held was started, or null. A request sent within the time counts even when a busy
 * machine takes longer to answer it: "visible within 1 s" means a request sent then sees it.
 */
export async function pollUntil(check: () => Promise<boolean>, ms: number, everyMs = 25): Promise<number | null> {
  const started = performance.now();
  for (let sent = 0; sent <= ms; sent = performance.now() - started) {
    if (await check()) return sent;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return null;
}
