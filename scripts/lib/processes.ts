/**
 * Process plumbing shared by the scripts: the entry point and their child processes.
 */
import type { ChildProcess } from "node:child_process";

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
