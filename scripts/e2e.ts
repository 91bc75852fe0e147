/**
 * npm run test:e2e — Playwright against the production build, on a fresh database.
 *
 * 1. PostgreSQL: TEST_DATABASE_URL's server when set, else an embedded one in a temp dir.
 * 2. A new database for this run, migrated.
 * 3. `next build` (skip with E2E_SKIP_BUILD=1 when .next is already built with this env).
 * 4. `next start` on a free port; wait for /api/health. Unless STRIPE_SECRET_KEY is set, the
 *    Stripe emulator (in process, free port, webhooks to the app) and the job worker run
 *    beside it; Playwright gets STRIPE_EMULATOR_URL for its test controls.
 *    Unless S3_ENDPOINT is set, s3rver runs in process (temp dir, free port) for media uploads.
 *    Unless AI_BASE_URL is set, the OpenAI-compatible test server (test/ai-server.ts) runs in
 *    process for the AI writing help; Playwright gets AI_TEST_SERVER_URL to script its replies.
 * 5. `playwright test` with E2E_BASE_URL; then everything is stopped and dropped.
 * Metrics are on (a METRICS_TOKEN of this run's own unless set): the app's /api/metrics and the
 * worker's port, whose URL Playwright gets as WORKER_METRICS_URL.
 * Extra arguments go to Playwright: npm run test:e2e -- e2e/auth.spec.ts
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRunDatabase, type RunDatabase } from "./lib/postgres";
import { freePort, waitForHttp } from "./lib/ports";
import { startStripeEmulator, type StripeEmulator } from "./stripe-emulator/server";
import { startLocalS3, type LocalS3 } from "./lib/s3rver-local";
import { startAiTestServer, type AiTestServer } from "../test/ai-server";
import { buildNext, localProductionEnv, runMain, runPlaywright, startNext, stopChildren, tsxBin } from "./lib/processes";

async function main(): Promise<number> {
  let server: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  let stripeEmulator: StripeEmulator | undefined;
  let localS3: LocalS3 | undefined;
  let aiServer: AiTestServer | undefined;
  let s3Dir: string | undefined;
  let runDb: RunDatabase | undefined;
  const dbName = `souk_e2e_${process.pid}`;
  try {
    runDb = await createRunDatabase(dbName);
    const { url } = runDb;

    const port = Number(process.env.E2E_PORT ?? (await freePort()));
    const baseUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...localProductionEnv({ databaseUrl: url, appUrl: baseUrl, authSecret: process.env.AUTH_SECRET ?? "e2e-secret-that-is-long-enough-for-auth-js", logLevel: process.env.LOG_LEVEL ?? "warn" }),
      DEV_MAILBOX: "true",
      PORT: String(port),
      // Billing: suspend at once after a failed renewal so the spec needs no waiting.
      BILLING_GRACE_PERIOD_HOURS: process.env.BILLING_GRACE_PERIOD_HOURS ?? "0",
      // Every spec signs up from 127.0.0.1: the per-client mail limit would stop the suite.
      MAIL_RATE_LIMIT_PER_CLIENT_PER_HOUR: process.env.MAIL_RATE_LIMIT_PER_CLIENT_PER_HOUR ?? "10000",
      METRICS_TOKEN: process.env.METRICS_TOKEN ?? randomBytes(24).toString("hex"),
      WORKER_METRICS_PORT: String(await freePort()),
    };
    env.WORKER_METRICS_URL = `http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics`;
    if (!process.env.STRIPE_SECRET_KEY) {
      const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET ?? "whsec_souk_e2e_emulator";
      stripeEmulator = await startStripeEmulator({ port: await freePort(), webhookUrl: `${baseUrl}/api/webhooks/stripe`, webhookSecret });
      Object.assign(env, { STRIPE_API_BASE: stripeEmulator.url, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_EMULATOR_URL: stripeEmulator.url });
      console.log(`[e2e] stripe emulator on ${stripeEmulator.url}`);
    }

    // Media: without S3_ENDPOINT, an s3rver in a temp dir on a free port.
    if (!process.env.S3_ENDPOINT) {
      s3Dir = mkdtempSync(path.join(os.tmpdir(), "souk-e2e-s3-"));
      localS3 = await startLocalS3({ directory: s3Dir, port: await freePort(), bucket: "souk-e2e-media" });
      Object.assign(env, { S3_ENDPOINT: localS3.endpoint, S3_BUCKET: localS3.bucket });
      console.log(`[e2e] s3rver on ${localS3.endpoint}`);
    }

    // AI writing help: without AI_BASE_URL, canned streamed replies from the local test server.
    if (!process.env.AI_BASE_URL) {
      aiServer = await startAiTestServer({ port: await freePort() });
      Object.assign(env, { AI_BASE_URL: aiServer.url, AI_MODEL: "test-model", AI_TEST_SERVER_URL: aiServer.url.replace(/\/v1$/, "") });
      console.log(`[e2e] AI test server on ${aiServer.url}`);
    }

    if (process.env.E2E_SKIP_BUILD !== "1") {
      console.log("[e2e] next build…");
      const code = await buildNext(env);
      if (code !== 0) return code;
    }

    console.log(`[e2e] next start on ${baseUrl}`);
    server = startNext(port, env);
    await waitForHttp(`${baseUrl}/api/health`, 120_000);
    worker = spawn(process.execPath, [tsxBin, "server/jobs/worker.ts"], { env, stdio: ["ignore", "inherit", "inherit"] });

    return await runPlaywright(process.argv.slice(2), { ...env, E2E_BASE_URL: baseUrl });
  } finally {
    await stopChildren([worker, server]);
    await stripeEmulator?.close().catch(() => {});
    await localS3?.stop().catch(() => {});
    await aiServer?.close().catch(() => {});
    if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
    await runDb?.dispose();
  }
}

runMain(main);
