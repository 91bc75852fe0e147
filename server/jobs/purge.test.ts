import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "@/scripts/lib/ports";
import { startLocalS3, type LocalS3 } from "@/scripts/lib/s3rver-local";

// Our own s3rver (not test/s3.ts) so the test can stop it and start it again on
// the same port and directory: an outage in the middle of a purge.
const directory = mkdtempSync(path.join(os.tmpdir(), "souk-purge-test-"));
const port = await freePort();
const bucket = "souk-purge-test";
let s3: LocalS3 | null = await startLocalS3({ directory, port, bucket });
process.env.S3_ENDPOINT = s3.endpoint;
process.env.S3_BUCKET = bucket;
process.env.S3_ACCESS_KEY_ID = "S3RVER";
process.env.S3_SECRET_ACCESS_KEY = "S3RVER";

const { eq } = await import("drizzle-orm");
const { db } = await import("@/server/db/client");
const { tenants } = await import("@/server/db/schema");
const { listObjects, putObject } = await import("@/server/integrations/s3");
const { purgeDeletedTenants } = await import("@/server/jobs/billing");
const { makeTenant, makeUser } = await import("@/test/factories");

afterAll(async () => {
  await s3?.stop();
  rmSync(directory, { recursive: true, force: true });
});

const DAY_MS = 86_400_000;
const keysUnder = async (prefix: string) => (await listObjects(prefix)).map((o) => o.key);

describe("purging a deleted shop", () => {
  it("deletes every object under the shop's prefixes in batches before the row, and resumes after an S3 outage", async () => {
    const owner = await makeUser();
    const [gone, kept] = [await makeTenant(owner, "Gone"), await makeTenant(await makeUser(), "Kept")];
    // Seven served images and two staged uploads: more than two batches of three.
    for (let i = 0; i < 7; i++) await putObject(`tenants/${gone.id}/media/${i}.png`, "png", "image/png");
    for (let i = 0; i < 2; i++) await putObject(`uploads/tenants/${gone.id}/media/s${i}.png`, "png", "image/png");
    await putObject(`tenants/${kept.id}/media/keep.png`, "png", "image/png");
    await db.update(tenants).set({ status: "deleted", deletedAt: new Date(Date.now() - 400 * DAY_MS) }).where(eq(tenants.id, gone.id));

    // S3 down: nothing is purged, the row (the record of what is left to clean) stays.
    await s3!.stop();
    s3 = null;
    expect(await purgeDeletedTenants(new Date(), 3)).toEqual([]);
    expect(await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, gone.id))).toHaveLength(1);

    s3 = await startLocalS3({ directory, port, bucket });
    expect(await keysUnder(`tenants/${gone.id}/`)).toHaveLength(7);
    expect(await purgeDeletedTenants(new Date(), 3)).toEqual([gone.id]);
    expect(await keysUnder(`tenants/${gone.id}/`)).toEqual([]);
    expect(await keysUnder(`uploads/tenants/${gone.id}/`)).toEqual([]);
    expect(await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, gone.id))).toEqual([]);
    // Another shop's objects and row are untouched.
    expect(await keysUnder(`tenants/${kept.id}/`)).toEqual([`tenants/${kept.id}/media/keep.png`]);
    expect(await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, kept.id))).toHaveLength(1);
  });
});
