/**
 * Process plumbing shared by the scripts: the entry point, the environment and commands of a
 * local production build (`next build`, `next start`), Playwright, and stopping children.
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import path from "node:path";

// The scripts run from the repository's root (npm run starts them there).
export const nextBin = path.join(process.cwd(), "node_modules/next/dist/bin/next");
export const tsxBin = path.join(process.cwd(), "node_modules/tsx/dist/cli.mjs");
const playwrightBin = path.join(process.cwd(), "node_modules/@playwright/test/cli.js");

/**
 * Runs a script's main and exits with the code it returns; an error it throws is printed and
 * exits 1. process.exit, not a natural end: pools, servers and timers left open must not keep
 * the script alive.
 */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** The child's exit code once it has exited; 1 when a signal ended it. */
export function exitCode(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code ?? 1)));
}

/**
 * `next build`; its exit code. Its output goes to ours by default; a script whose stdout is its
 * report passes ["ignore", "ignore", "inherit"].
 */
export function buildNext(env: NodeJS.ProcessEnv, stdio: StdioOptions = "inherit"): Promise<number> {
  return exitCode(spawn(process.execPath, [nextBin, "build"], { env, stdio }));
}

/**
 * The environment of a local production build (`next build`, `next start`, the worker) on the
 * development defaults (emulator, s3rver, captured mail): ours plus what each of them needs.
 */
export function localProductionEnv(o: { databaseUrl: string; appUrl: string; authSecret: string; logLevel: string }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    ALLOW_DEVELOPMENT_DEFAULTS: "true",
    DATABASE_URL: o.databaseUrl,
    AUTH_SECRET: o.authSecret,
    APP_URL: o.appUrl,
    LOG_LEVEL: o.logLevel,
    NEXT_TELEMETRY_DISABLED: "1",
  };
}

/** `next start` of the built app on 127.0.0.1:port; nodeArgs (--cpu-prof, …) go to node itself. */
export function startNext(port: number, env: NodeJS.ProcessEnv, opts: { stdio?: StdioOptions; nodeArgs?: string[] } = {}): ChildProcess {
  return spawn(process.execPath, [...(opts.nodeArgs ?? []), nextBin, "start", "--port", String(port), "--hostname", "127.0.0.1"], {
    env,
    stdio: opts.stdio ?? ["ignore", "inherit", "inherit"],
  });
}

/** `playwright test` with these arguments, its output on ours; its exit code. */
export function runPlaywright(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return exitCode(spawn(process.execPath, [playwrightBin, "test", ...args], { env, stdio: "inherit" }));
}

/**
 * SIGTERMs each child still running and waits until all have exited. With killAfterMs, a child
 * still running that long after gets SIGKILL instead of holding the script open.
 */
export async function stopChildren(children: readonly (ChildProcess | undefined)[], opts: { killAfterMs?: number } = {}): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      if (opts.killAfterMs === undefined) {
        await exited;
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, opts.killAfterMs)))]);
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }),
  );
}
