import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startLocalS3 } from "@/scripts/lib/s3rver-local";
import { freePort } from "@/scripts/lib/ports";

/**
 * Starts s3rver in-process on a free port in a temp dir and points the app at
 * it. Call (top-level await) BEFORE importing anything that loads server/env,
 * i.e. import app modules dynamically after it.
 */
export async function startTestS3() {
  const directory = mkdtempSync(path.join(os.tmpdir(), "souk-s3-test-"));
  const s3 = await startLocalS3({ directory, port: await freePort(), bucket: "souk-test-media" });
  process.env.S3_ENDPOINT = s3.endpoint;
  process.env.S3_BUCKET = s3.bucket;
  process.env.S3_ACCESS_KEY_ID = "S3RVER";
  process.env.S3_SECRET_ACCESS_KEY = "S3RVER";
  process.env.MEDIA_MAX_BYTES ??= String(64 * 1024);
  let stopped = false;
  return {
    ...s3,
    /** Idempotent: a test may stop it early to simulate an outage. */
    async stop() {
      if (stopped) return;
      stopped = true;
      await s3.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
