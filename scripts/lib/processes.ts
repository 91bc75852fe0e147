/**
 * Process plumbing shared by the scripts: the entry point and their child processes.
 */

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
