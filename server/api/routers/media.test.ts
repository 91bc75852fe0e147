import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestS3 } from "@/test/s3";
import { codeOf } from "@/test/trpc";

// s3rver must be running and configured before server/env is first imported,
// so every app module below is imported dynamically after it starts.
const s3 = await startTestS3();
const { and, eq } = await import("drizzle-orm");
const { db } = await import("@/server/db/client");
const { mediaAssets } = await import("@/server/db/schema");
const { cleanupPendingUploads, stagingKeyFor, sweepStagedUploads } = await import("@/server/domain/media");
const { headObject } = await import("@/server/integrations/s3");
const { addMember, callerFor, makeTenant, makeUser } = await import("@/test/factories");
const { callOverHttp, errorOf } = await import("@/test/http");

/** The browser's side of an upload: a plain PUT to the presigned URL over HTTP. */
async function putTo(url: string, body: Uint8Array<ArrayBuffer>, contentType: string) {
  return fetch(url, { method: "PUT", body, headers: { "content-type": contentType } });
}

const png = (bytes: number) => {
  const data = new Uint8Array(bytes);
  data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return data;
};

describe("media router (over the S3 protocol, against s3rver)", () => {
  let owner: Awaited<ReturnType<typeof makeUser>>;
  let viewer: Awaited<ReturnType<typeof makeUser>>;
  let stranger: Awaited<ReturnType<typeof makeUser>>;
  let shop: Awaited<ReturnType<typeof makeTenant>>;
  let otherShop: Awaited<ReturnType<typeof makeTenant>>;
  let productId: string;

  beforeAll(async () => {
    [owner, viewer, stranger] = await Promise.all([makeUser("Owner"), makeUser("Viewer"), makeUser("Stranger")]);
    shop = await makeTenant(owner, "Media Shop");
    otherShop = await makeTenant(stranger, "Other Media Shop");
    await addMember(shop.id, viewer.id, "viewer");
    productId = (await callerFor(owner.id).catalog.createProduct({ tenantSlug: shop.slug, name: "Pictured", price: "1" })).id;
  });

  afterAll(async () => {
    await s3.stop();
  });

  for (const [contentType, ext] of [["image/jpeg", "jpg"], ["image/png", "png"], ["image/webp", "webp"], ["image/avif", "avif"], ["image/gif", "gif"]] as const) {
    it(`uploads an allowed ${contentType} straight to S3 under the tenant's prefix, then confirms it ready`, async () => {
      const caller = callerFor(owner.id);
      const body = png(2048);
      const { asset, uploadUrl } = await caller.media.createUpload({ tenantSlug: shop.slug, productId, filename: `photo.${ext}`, contentType, bytes: body.length });
      expect(asset.status).toBe("pending");
      expect(asset.objectKey).toMatch(new RegExp(`^tenants/${shop.id}/media/[0-9a-f-]+\\.${ext}$`));
      const put = await putTo(uploadUrl, body, contentType);
      expect(put.status).toBe(200);
      const ready = await caller.media.confirm({ tenantSlug: shop.slug, id: asset.id });
      expect(ready).toMatchObject({ status: "ready", bytes: 2048 });
      // The public URL serves the object.
      const get = await fetch(ready.url);
      expect(get.status).toBe(200);
      expect(new Uint8Array(await get.arrayBuffer()).length).toBe(2048);
    });
  }

  it("a confirmed image cannot be replaced through its upload URL: a re-PUT only reaches the staging key, swept later", async () => {
    const caller = callerFor(owner.id);
    const original = png(1024);
    const { asset, uploadUrl } = await caller.media.createUpload({ tenantSlug: shop.slug, productId: null, filename: "keep.png", contentType: "image/png", bytes: original.length });
    // The URL is for the staging key, never the served one.
    expect(new URL(uploadUrl).pathname).toBe(`/${s3.bucket}/uploads/${asset.objectKey}`);
    expect((await putTo(uploadUrl, original, "image/png")).status).toBe(200);
    const ready = await caller.media.confirm({ tenantSlug: shop.slug, id: asset.id });
    expect(await headObject(stagingKeyFor(asset.objectKey))).toBeNull();

    // The URL is still valid (15 minutes): send something else, larger than the image limit.
    const replacement = png(Number(process.env.MEDIA_MAX_BYTES) + 100);
    replacement.fill(7, 8);
    await putTo(uploadUrl, replacement, "image/png");
    const served = new Uint8Array(await (await fetch(ready.url)).arrayBuffer());
    expect(served).toEqual(original);
    expect(await headObject(asset.objectKey)).toMatchObject({ bytes: 1024 });
    // Confirming again changes nothing either.
    expect(await caller.media.confirm({ tenantSlug: shop.slug, id: asset.id })).toMatchObject({ status: "ready", bytes: 1024 });
    expect(await headObject(asset.objectKey)).toMatchObject({ bytes: 1024 });

    // The stray staged object is removed by the hourly sweep once a day old.
    expect(await headObject(stagingKeyFor(asset.objectKey))).not.toBeNull();
    expect(await sweepStagedUploads(new Date(Date.now() - 60_000))).toBe(0);
    expect(await sweepStagedUploads(new Date(Date.now() + 60_000), 1)).toBeGreaterThanOrEqual(1);
    expect(await headObject(stagingKeyFor(asset.objectKey))).toBeNull();
    expect(await headObject(asset.objectKey)).toMatchObject({ bytes: 1024 });
  });

  it("refuses a disallowed type before signing anything", async () => {
    for (const contentType of ["image/svg+xml", "text/html", "application/pdf"]) {
      const res = await callOverHttp(owner.id, "media.createUpload", { tenantSlug: shop.slug, productId, filename: "x", contentType, bytes: 10 }, "mutation");
      expect(res.status).toBe(400);
      expect(Object.keys(errorOf(res.body).data.fieldErrors ?? {})).toEqual(["contentType"]);
    }
  });

  it("refuses a declared size over the limit", async () => {
    const res = await callOverHttp(owner.id, "media.createUpload", { tenantSlug: shop.slug, productId, filename: "big.png", contentType: "image/png", bytes: 10 * 1024 * 1024 * 1024 }, "mutation");
    expect(res.status).toBe(400);
    expect(Object.keys(errorOf(res.body).data.fieldErrors ?? {})).toEqual(["bytes"]);
  });

  it("refuses an oversize file on confirmation (HEAD), deletes the object and the pending row", async () => {
    const caller = callerFor(owner.id);
    const { asset, uploadUrl } = await caller.media.createUpload({ tenantSlug: shop.slug, productId, filename: "liar.png", contentType: "image/png", bytes: 100 });
    const tooBig = png(Number(process.env.MEDIA_MAX_BYTES) + 1);
    expect((await putTo(uploadUrl, tooBig, "image/png")).status).toBe(200);
    const res = await callOverHttp(owner.id, "media.confirm", { tenantSlug: shop.slug, id: asset.id }, "mutation");
    expect(res.status).toBe(400);
    expect(errorOf(res.body).message).toMatch(/at most/);
    expect(await headObject(asset.objectKey)).toBeNull();
    expect(await headObject(stagingKeyFor(asset.objectKey))).toBeNull();
    expect(await db.select().from(mediaAssets).where(and(eq(mediaAssets.tenantId, shop.id), eq(mediaAssets.id, asset.id)))).toEqual([]);
  });

  it("refuses a file whose type differs from the one signed (S3 rejects the PUT; s3rver does not, so confirmation does)", async () => {
    const { asset, uploadUrl } = await callerFor(owner.id).media.createUpload({ tenantSlug: shop.slug, productId, filename: "a.png", contentType: "image/png", bytes: 10 });
    const put = await putTo(uploadUrl, new TextEncoder().encode("<script>alert(1)</script>"), "text/html");
    if (put.ok) {
      const res = await callOverHttp(owner.id, "media.confirm", { tenantSlug: shop.slug, id: asset.id }, "mutation");
      expect(res.status).toBe(400);
      expect(errorOf(res.body).message).toMatch(/type/);
      expect(await headObject(asset.objectKey)).toBeNull();
    } else {
      expect(put.status).toBe(403);
    }
  });

  it("refuses an upload the plan's storage has no room for, declared or real, with an upgrade hint, and changes nothing", async () => {
    // A shop on the free trial (500 MB) that already stores all of it but 1 KB.
    const fullOwner = await makeUser();
    const full = await makeTenant(fullOwner, "Full Shop");
    await db.insert(mediaAssets).values({ tenantId: full.id, objectKey: `tenants/${full.id}/media/existing.png`, contentType: "image/png", bytes: 500 * 1024 * 1024 - 1024, status: "ready" });
    const upload = (filename: string, bytes: number) => ({ tenantSlug: full.slug, productId: null, filename, contentType: "image/png", bytes });
    const assetsOf = () => db.select({ id: mediaAssets.id }).from(mediaAssets).where(eq(mediaAssets.tenantId, full.id));

    const declared = await callOverHttp(fullOwner.id, "media.createUpload", upload("more.png", 2048), "mutation");
    expect(declared.status).toBe(412);
    expect(errorOf(declared.body).message).toBe("Your Free trial plan allows 500 MB of storage. Upgrade to Starter for up to 5 GB of storage.");
    expect(await assetsOf()).toHaveLength(1);

    // Declared within what is left, but the file is larger: refused on confirmation, object and row removed.
    const { asset, uploadUrl } = await callerFor(fullOwner.id).media.createUpload(upload("liar.png", 512));
    expect((await putTo(uploadUrl, png(4096), "image/png")).status).toBe(200);
    const real = await callOverHttp(fullOwner.id, "media.confirm", { tenantSlug: full.slug, id: asset.id }, "mutation");
    expect(real.status).toBe(412);
    expect(errorOf(real.body).message).toMatch(/^Your Free trial plan allows 500 MB of storage\./);
    expect(await headObject(asset.objectKey)).toBeNull();
    expect(await assetsOf()).toHaveLength(1);

    // What fits still goes in.
    const fits = await callerFor(fullOwner.id).media.createUpload(upload("fits.png", 1024));
    expect((await putTo(fits.uploadUrl, png(1024), "image/png")).status).toBe(200);
    expect(await callerFor(fullOwner.id).media.confirm({ tenantSlug: full.slug, id: fits.asset.id })).toMatchObject({ status: "ready", bytes: 1024 });
  });

  it("refuses to confirm an upload that never arrived", async () => {
    const { asset } = await callerFor(owner.id).media.createUpload({ tenantSlug: shop.slug, productId, filename: "a.png", contentType: "image/png", bytes: 10 });
    expect(await codeOf(callerFor(owner.id).media.confirm({ tenantSlug: shop.slug, id: asset.id }))).toBe("BAD_REQUEST");
  });

  it("lists, reorders and deletes a product's images; viewers read only", async () => {
    const caller = callerFor(owner.id);
    const list = await caller.media.list({ tenantSlug: shop.slug, productId });
    expect(list.length).toBe(5);
    expect(list.every((m) => m.status === "ready")).toBe(true);
    expect(await callerFor(viewer.id).media.list({ tenantSlug: shop.slug, productId })).toHaveLength(5);
    const reversed = list.map((m) => m.id).reverse();
    const reordered = await caller.media.reorder({ tenantSlug: shop.slug, productId, ids: reversed });
    expect(reordered.map((m) => m.id)).toEqual(reversed);
    const v = callerFor(viewer.id);
    expect(await codeOf(v.media.createUpload({ tenantSlug: shop.slug, productId, filename: "v.png", contentType: "image/png", bytes: 10 }))).toBe("FORBIDDEN");
    expect(await codeOf(v.media.confirm({ tenantSlug: shop.slug, id: list[0]!.id }))).toBe("FORBIDDEN");
    expect(await codeOf(v.media.delete({ tenantSlug: shop.slug, id: list[0]!.id }))).toBe("FORBIDDEN");
    expect(await codeOf(v.media.reorder({ tenantSlug: shop.slug, productId, ids: reversed }))).toBe("FORBIDDEN");
    const victim = list[0]!;
    await caller.media.delete({ tenantSlug: shop.slug, id: victim.id });
    expect(await headObject(victim.objectKey)).toBeNull();
    expect(await caller.media.list({ tenantSlug: shop.slug, productId })).toHaveLength(4);
  });

  it("denies another tenant on every procedure and never touches its objects", async () => {
    const [target] = await callerFor(owner.id).media.list({ tenantSlug: shop.slug, productId });
    const x = callerFor(stranger.id);
    expect(await codeOf(x.media.list({ tenantSlug: shop.slug, productId }))).toBe("NOT_FOUND");
    expect(await codeOf(x.media.createUpload({ tenantSlug: shop.slug, productId, filename: "x.png", contentType: "image/png", bytes: 10 }))).toBe("NOT_FOUND");
    // Through its own shop, the other tenant cannot reach this tenant's rows.
    const res = await callOverHttp(stranger.id, "media.createUpload", { tenantSlug: otherShop.slug, productId, filename: "x.png", contentType: "image/png", bytes: 10 }, "mutation");
    expect(res.status).toBe(400);
    expect(await codeOf(x.media.confirm({ tenantSlug: otherShop.slug, id: target!.id }))).toBe("NOT_FOUND");
    expect(await codeOf(x.media.delete({ tenantSlug: otherShop.slug, id: target!.id }))).toBe("NOT_FOUND");
    expect(await codeOf(x.media.reorder({ tenantSlug: otherShop.slug, productId, ids: [target!.id] }))).toBe("NOT_FOUND");
    expect(await headObject(target!.objectKey)).not.toBeNull();
  });

  it("cleans up pending uploads older than a day, objects included", async () => {
    const caller = callerFor(owner.id);
    const { asset, uploadUrl } = await caller.media.createUpload({ tenantSlug: shop.slug, productId, filename: "stale.png", contentType: "image/png", bytes: 16 });
    await putTo(uploadUrl, png(16), "image/png");
    await db.update(mediaAssets).set({ createdAt: new Date(Date.now() - 2 * 24 * 60 * 60 * 1000) }).where(and(eq(mediaAssets.tenantId, shop.id), eq(mediaAssets.id, asset.id)));
    const fresh = await caller.media.createUpload({ tenantSlug: shop.slug, productId, filename: "fresh.png", contentType: "image/png", bytes: 16 });
    expect(await cleanupPendingUploads()).toBeGreaterThanOrEqual(1);
    expect(await headObject(asset.objectKey)).toBeNull();
    const left = await db.select({ id: mediaAssets.id }).from(mediaAssets).where(eq(mediaAssets.tenantId, shop.id));
    expect(left.map((r) => r.id)).not.toContain(asset.id);
    expect(left.map((r) => r.id)).toContain(fresh.asset.id);
  });
});
