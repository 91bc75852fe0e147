import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

/**
 * The development smoke test (`npm run test:dev`): scripts/dev-smoke.ts starts `npm run dev`, stops
 * and restarts it, then runs these specs in Chromium against the dev server. Dev pages compile on
 * first request, so the timeouts are long.
 */
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.dev\.ts/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 300_000,
  expect: { timeout: 60_000 },
  reporter: [["list"]],
  use: {
    ...devices["Desktop Chrome"],
    channel: undefined,
    navigationTimeout: 240_000,
    launchOptions: { executablePath, args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--no-first-run"] },
  },
});
