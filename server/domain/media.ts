import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, lt } from "drizzle-orm";
import { z } from "zod";
import { mediaAssets, products, type MediaAsset } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { env } from "@/server/env";
import { copyObject, deleteObject, deleteObjects, deletePrefix, headObject, listObjects, presignPut, publicUrl } from "@/server/integrations/s3";
import { recordAudit } from "./audit";
import { inTenant, type TenantContext, type TenantScope } from "./context";
import { DomainError, fieldError, notFound } from "./errors";
import { assertStorageFor } from "./plans";
import { text } from "./text";

/** Image types a browser may upload, with the extension used in the object key. */
export const allowedImageTypes: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/avif": "avif",
  "image/gif": "gif",
};

export const createUploadInput = z.object({
  productId: z.uuid().nullable().default(null),
  filename: text().trim().min(1).max(200),
  contentType: text().trim().toLowerCase(),
  bytes: z.number().int().min(1, "The file is empty"),
  width: z.number().int().min(1).max(100_000).nullable().default(null),
  height: z.number().int().min(1).max(100_000).nullable().default(null),
  alt: text().max(300).default(""),
});
export const mediaIdInput = z.object({ id: z.uuid() });
export const listMediaInput = z.object({ productId: z.uuid().nullable() });
export const reorderMediaInput = z.object({ productId: z.uuid(), ids: z.array(z.uuid()).min(1).max(100) });

/**
 * Where the browser uploads an asset: a key nothing serves. A presigned PUT
 * stays valid until it expires and cannot bound the size, so the served key
 * (`objectKey`) is only ever written by the server, by copying the staged
 * object on confirmation. Re-sending the upload afterwards rewrites the
 * staging object only, which the hourly sweep removes.
 */
export const stagingPrefix = "uploads/";
export const stagingKeyFor = (objectKey: string) => `${stagingPrefix}${objectKey}`;

/** Every storage prefix of a tenant: served media and staged uploads. */
export function tenantStoragePrefixes(tenantId: string): string[] {
  // A malformed id could widen the prefix to other tenants' objects ("tenants/").
  z.uuid().parse(tenantId);
  return [`tenants/${tenantId}/`, `${stagingPrefix}tenants/${tenantId}/`];
}

export type MediaView = MediaAsset & { url: string };
const view = (asset: MediaAsset): MediaView => ({ ...asset, url: publicUrl(asset.objectKey) });

/**
 * Step 1 of an upload: checks the declared type and size (against the image
 * limit and what is left of the plan's storage), records a pending
 * asset and returns a presigned PUT URL bound to the content type, for the
 * asset's staging key. The key is under `tenants/{tenantId}/`, chosen here,
 * never by the client. (Signing is local computation, no call to S3.)
 */
export async function createUpload(ctx: TenantContext, input: z.output<typeof createUploadInput>): Promise<{ asset: MediaView; uploadUrl: string; headers: Record<string, string> }> {
  const ext = allowedImageTypes[input.contentType];
  if (!ext) throw fieldError("contentType", "Only JPEG, PNG, WebP, AVIF and GIF images can be uploaded");
  if (input.bytes > env.MEDIA_MAX_BYTES) throw fieldError("bytes", `Images must be at most ${Math.round(env.MEDIA_MAX_BYTES / 1024 / 1024)} MB`);
  await assertStorageFor(ctx, input.bytes);
  if (input.productId) {
    const [product] = await ctx.tx.select({ id: products.id }).from(products).where(eq(products.id, input.productId));
    if (!product) throw fieldError("productId", "Choose an existing product");
  }
  const id = randomUUID();
  const objectKey = `tenants/${ctx.tenantId}/media/${id}.${ext}`;
  const [asset] = await ctx.tx
    .insert(mediaAssets)
    .values({ tenantId: ctx.tenantId, id, productId: input.productId, objectKey, contentType: input.contentType, bytes: input.bytes, width: input.width, height: input.height, alt: input.alt, status: "pending" })
    .returning();
  if (!asset) throw new Error("insert returned no row");
  const uploadUrl = await presignPut(stagingKeyFor(objectKey), input.contentType);
  return { asset: view(asset), uploadUrl, headers: { "content-type": input.contentType } };
}

/**
 * Step 2: the browser says the PUT finished. In order, with no connection held
 * across the S3 calls:
 * 1. read the asset (short transaction); a ready one is returned as is;
 * 2. copy the staged object into the served key and delete the staged one, so
 *    the upload URL can no longer change what is served;
 * 3. HEAD the copy: an oversize file (a presigned PUT cannot bound size) or one
 *    of another type is deleted with its asset row;
 * 4. check the plan's storage with the real size and mark the asset ready
 *    (short transaction), placed last in its product's gallery.
 */
export async function confirmUpload(scope: TenantScope, input: z.output<typeof mediaIdInput>): Promise<MediaView> {
  const findAsset = () => inTenant(scope, async (ctx) => (await ctx.tx.select().from(mediaAssets).where(eq(mediaAssets.id, input.id)))[0]);
  const asset = await findAsset();
  if (!asset) throw notFound("Upload not found");
  if (asset.status === "ready") return view(asset);
  const staged = stagingKeyFor(asset.objectKey);
  if (!(await headObject(staged))) {
    // A concurrent confirmation may have moved it already.
    const now = await findAsset();
    if (now?.status === "ready") return view(now);
    throw new DomainError("bad_request", "The file has not been uploaded yet");
  }
  await copyObject(staged, asset.objectKey);
  await deleteObject(staged);
  const head = await headObject(asset.objectKey);
  if (!head) throw new DomainError("bad_request", "The file has not been uploaded yet");
  const discard = async () => {
    await deleteObject(asset.objectKey);
    await inTenant(scope, (ctx) => ctx.tx.delete(mediaAssets).where(and(eq(mediaAssets.id, asset.id), eq(mediaAssets.status, "pending"))));
  };
  const problem =
    head.bytes > env.MEDIA_MAX_BYTES
      ? `Images must be at most ${Math.round(env.MEDIA_MAX_BYTES / 1024 / 1024)} MB`
      : head.contentType?.toLowerCase() !== asset.contentType
        ? "The uploaded file's type does not match the declared type"
        : null;
  if (problem) {
    await discard();
    throw new DomainError("bad_request", problem);
  }
  try {
    return await inTenant(scope, async (ctx) => {
      // Checked again with the real size: the declared one may have been smaller, and
      // other uploads may have been confirmed since.
      await assertStorageFor(ctx, head.bytes);
      const siblings = asset.productId
        ? await ctx.tx.select({ id: mediaAssets.id }).from(mediaAssets).where(and(eq(mediaAssets.productId, asset.productId), eq(mediaAssets.status, "ready")))
        : [];
      const [ready] = await ctx.tx
        .update(mediaAssets)
        .set({ status: "ready", bytes: head.bytes, position: siblings.length })
        .where(and(eq(mediaAssets.id, asset.id), eq(mediaAssets.status, "pending")))
        .returning();
      if (!ready) {
        // Confirmed by a concurrent call meanwhile (or deleted).
        const [now] = await ctx.tx.select().from(mediaAssets).where(eq(mediaAssets.id, asset.id));
        if (now) return view(now);
        throw notFound("Upload not found");
      }
      await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "media.uploaded", targetType: "media", targetId: asset.id, metadata: { productId: asset.productId, bytes: head.bytes, contentType: asset.contentType } });
      return view(ready);
    });
  } catch (error) {
    // The refusal (no room left) outlives the rolled-back transaction: object and row go.
    if (error instanceof DomainError && error.code !== "not_found") await discard();
    throw error;
  }
}

export async function listMedia(ctx: TenantContext, input: z.output<typeof listMediaInput>): Promise<MediaView[]> {
  const rows = await ctx.tx
    .select()
    .from(mediaAssets)
    .where(and(input.productId ? eq(mediaAssets.productId, input.productId) : undefined, eq(mediaAssets.status, "ready")))
    .orderBy(asc(mediaAssets.position), asc(mediaAssets.createdAt));
  return rows.map(view);
}

/** Removes the row first (committed), then the object: a failed delete leaves an orphan object, never a broken image. */
export async function deleteMedia(scope: TenantScope, input: z.output<typeof mediaIdInput>): Promise<{ id: string }> {
  const asset = await inTenant(scope, async (ctx) => {
    const [row] = await ctx.tx.delete(mediaAssets).where(eq(mediaAssets.id, input.id)).returning();
    if (!row) throw notFound("Image not found");
    await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "media.deleted", targetType: "media", targetId: row.id, metadata: { productId: row.productId } });
    return row;
  });
  await deleteObjects([asset.objectKey, stagingKeyFor(asset.objectKey)]);
  return { id: asset.id };
}

export async function reorderMedia(ctx: TenantContext, input: z.output<typeof reorderMediaInput>): Promise<MediaView[]> {
  const rows = await ctx.tx.select({ id: mediaAssets.id }).from(mediaAssets).where(and(eq(mediaAssets.productId, input.productId), inArray(mediaAssets.id, input.ids)));
  if (rows.length !== new Set(input.ids).size || rows.length !== input.ids.length) throw notFound("Some images were not found");
  for (const [position, id] of input.ids.entries()) {
    await ctx.tx.update(mediaAssets).set({ position }).where(eq(mediaAssets.id, id));
  }
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "media.reordered", targetType: "product", targetId: input.productId, metadata: { ids: input.ids } });
  return listMedia(ctx, { productId: input.productId });
}

/**
 * Pending uploads never confirmed (tab closed, upload failed) are removed after
 * a day, across tenants: a named system job. Objects go first (outside any
 * transaction) so a crash leaves rows to retry rather than orphan objects.
 */
export async function cleanupPendingUploads(olderThan = new Date(Date.now() - 24 * 60 * 60 * 1000), batch = 500): Promise<number> {
  const stale = await withSystem("cleanup-pending-media", (tx) =>
    tx
      .select({ tenantId: mediaAssets.tenantId, id: mediaAssets.id, objectKey: mediaAssets.objectKey })
      .from(mediaAssets)
      .where(and(eq(mediaAssets.status, "pending"), lt(mediaAssets.createdAt, olderThan)))
      .limit(batch),
  );
  if (stale.length === 0) return 0;
  await deleteObjects(stale.flatMap((s) => [s.objectKey, stagingKeyFor(s.objectKey)]));
  await withSystem("cleanup-pending-media", async (tx) => {
    for (const s of stale) {
      await tx.delete(mediaAssets).where(and(eq(mediaAssets.tenantId, s.tenantId), eq(mediaAssets.id, s.id), eq(mediaAssets.status, "pending")));
    }
  });
  return stale.length;
}

/**
 * Deletes staged uploads older than a day: never confirmed, or sent again with
 * the upload URL after confirmation (which only rewrites the staging key).
 * Walks the staging prefix a page of `batch` keys at a time; returns how many
 * were deleted.
 */
export async function sweepStagedUploads(olderThan = new Date(Date.now() - 24 * 60 * 60 * 1000), batch = 1000): Promise<number> {
  let deleted = 0;
  let after: string | undefined;
  for (;;) {
    const page = await listObjects(stagingPrefix, batch, after);
    const old = page.filter((o) => o.lastModified && o.lastModified < olderThan).map((o) => o.key);
    if (old.length) await deleteObjects(old);
    deleted += old.length;
    if (page.length < batch) return deleted;
    after = page.at(-1)!.key;
  }
}

/** Deletes every stored object of a tenant, in batches; safe to call again after a failure. */
export async function purgeTenantMedia(tenantId: string, batchSize = 1000): Promise<number> {
  let deleted = 0;
  for (const prefix of tenantStoragePrefixes(tenantId)) deleted += await deletePrefix(prefix, batchSize);
  return deleted;
}
