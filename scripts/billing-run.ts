/**
 * npm run billing:run -- --period 2026-11 — bills a closed usage period (the same code as the
 * admin page's "Start run" and the monthly job). Re-running a period, or running it again after
 * a crash, finishes what is missing and bills nothing twice. A live progress bar on a terminal,
 * plain progress lines otherwise; ends with the run report. Exit 0 done, 1 failed, 2 bad
 * arguments, 3 another run of the period is running.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatRunReport, progressLine } from "./lib/billing-progress";

if (existsSync(".env")) process.loadEnvFile(".env");
// Logs go to stderr: stdout carries what the command prints (its report, or JSON for a pipe).
process.env.LOG_STREAM = "stderr";

const usage = "usage: npm run billing:run -- --period YYYY-MM";
let period: string | undefined;
try {
  period = parseArgs({ options: { period: { type: "string" } }, strict: true }).values.period;
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
  process.exit(2);
}
if (!period) {
  console.error(usage);
  process.exit(2);
}

const { closeDb } = await import("../server/db/client");
const { runBilling } = await import("../server/domain/usage/billing-run");
const { DomainError } = await import("../server/domain/errors");

const tty = process.stderr.isTTY;
let lastPlain = 0;
let barOpen = false;
let code = 0;
try {
  const result = await runBilling({
    period,
    trigger: "cli",
    onProgress(p) {
      if (tty) {
        // The bar is redrawn in place and ends its line when the run is done, before the run's log line.
        process.stderr.write(`\r${progressLine(p, process.stderr.columns || 100)}\x1b[K${p.done ? "\n" : ""}`);
        barOpen = !p.done;
      } else if (p.done || p.elapsedMs - lastPlain >= 1000) {
        lastPlain = p.elapsedMs;
        process.stderr.write(`${progressLine(p)}\n`);
      }
    },
  });
  console.log(formatRunReport(result));
} catch (error) {
  if (barOpen) process.stderr.write("\n");
  const message = error instanceof Error ? error.message : String(error);
  console.error(`billing run failed: ${message}`);
  code = error instanceof DomainError ? (error.code === "conflict" ? 3 : error.code === "bad_request" ? 2 : 1) : 1;
}
await closeDb();
process.exit(code);
