import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, lt } from "drizzle-orm";
import { z } from "zod";
import { mediaAssets, products, type MediaAsset } from "@/server/db/schema";
import { withSystem, withTenant } from "@/server/db/tenancy";
import { env } from "@/server/env";
import { deleteObject, deleteObjects, headObject, presignPut, publicUrl } from "@/server/integrations/s3";
import { recordAudit } from "./audit";
import type { TenantContext } from "./context";
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

export type MediaView = MediaAsset & { url: string };
const view = (asset: MediaAsset): MediaView => ({ ...asset, url: publicUrl(asset.objectKey) });

/**
 * Step 1 of an upload: checks the declared type and size (against the image
 * limit and what is left of the plan's storage), records a pending
 * asset and returns a presigned PUT URL bound to the content type. The key is
 * under `tenants/{tenantId}/`, chosen here, never by the client.
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
  const uploadUrl = await presignPut(objectKey, input.contentType);
  return { asset: view(asset), uploadUrl, headers: { "content-type": input.contentType } };
}

/**
 * Step 2: the browser says the PUT finished. HEAD the object: a missing object
 * is refused; a wrong type, an oversize file (a presigned PUT cannot bound size)
 * or one the plan's storage has no room for is deleted from storage and the
 * asset removed. Otherwise it is ready and
 * placed last in its product's gallery.
 */
export async function confirmUpload(ctx: TenantContext, input: z.output<typeof mediaIdInput>): Promise<MediaView> {
  const [asset] = await ctx.tx.select().from(mediaAssets).where(eq(mediaAssets.id, input.id));
  if (!asset) throw notFound("Upload not found");
  if (asset.status === "ready") return view(asset);
  const head = await headObject(asset.objectKey);
  if (!head) throw new DomainError("bad_request", "The file has not been uploaded yet");
  const problem =
    head.bytes > env.MEDIA_MAX_BYTES
      ? `Images must be at most ${Math.round(env.MEDIA_MAX_BYTES / 1024 / 1024)} MB`
      : head.contentType?.toLowerCase() !== asset.contentType
        ? "The uploaded file's type does not match the declared type"
        : null;
  // The refusal must outlive the rollback the error causes, so the row is removed
  // in its own tenant transaction (same tenant, same RLS door).
  const discard = async () => {
    await deleteObject(asset.objectKey);
    await withTenant(ctx.tenantId, (tx) => tx.delete(mediaAssets).where(eq(mediaAssets.id, asset.id)));
  };
  if (problem) {
    await discard();
    throw new DomainError("bad_request", problem);
  }
  // Checked again with the real size: the declared one may have been smaller, and
  // other uploads may have been confirmed since.
  await assertStorageFor(ctx, head.bytes).catch(async (error: unknown) => {
    await discard();
    throw error;
  });
  const siblings = asset.productId
    ? await ctx.tx.select({ id: mediaAssets.id }).from(mediaAssets).where(and(eq(mediaAssets.productId, asset.productId), eq(mediaAssets.status, "ready")))
    : [];
  const [ready] = await ctx.tx
    .update(mediaAssets)
    .set({ status: "ready", bytes: head.bytes, position: siblings.length })
    .where(eq(mediaAssets.id, asset.id))
    .returning();
  if (!ready) throw notFound("Upload not found");
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "media.uploaded", targetType: "media", targetId: asset.id, metadata: { productId: asset.productId, bytes: head.bytes, contentType: asset.contentType } });
  return view(ready);
}

export async function listMedia(ctx: TenantContext, input: z.output<typeof listMediaInput>): Promise<MediaView[]> {
  const rows = await ctx.tx
    .select()
    .from(mediaAssets)
    .where(and(input.productId ? eq(mediaAssets.productId, input.productId) : undefined, eq(mediaAssets.status, "ready")))
    .orderBy(asc(mediaAssets.position), asc(mediaAssets.createdAt));
  return rows.map(view);
}

/** Removes the row first (inside the transaction), then the object: a failed delete leaves an orphan object, never a broken image. */
export async function deleteMedia(ctx: TenantContext, input: z.output<typeof mediaIdInput>): Promise<{ id: string }> {
  const [asset] = await ctx.tx.delete(mediaAssets).where(eq(mediaAssets.id, input.id)).returning();
  if (!asset) throw notFound("Image not found");
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "media.deleted", targetType: "media", targetId: asset.id, metadata: { productId: asset.productId } });
  await deleteObject(asset.objectKey);
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
 * a day, across tenants: a named system job. Objects go first so a crash leaves
 * rows to retry rather than orphan objects.
 */
export async function cleanupPendingUploads(olderThan = new Date(Date.now() - 24 * 60 * 60 * 1000), batch = 500): Promise<number> {
  return withSystem("cleanup-pending-media", async (tx) => {
    const stale = await tx
      .select({ tenantId: mediaAssets.tenantId, id: mediaAssets.id, objectKey: mediaAssets.objectKey })
      .from(mediaAssets)
      .where(and(eq(mediaAssets.status, "pending"), lt(mediaAssets.createdAt, olderThan)))
      .limit(batch);
    if (stale.length === 0) return 0;
    await deleteObjects(stale.map((s) => s.objectKey));
    for (const s of stale) {
      await tx.delete(mediaAssets).where(and(eq(mediaAssets.tenantId, s.tenantId), eq(mediaAssets.id, s.id), eq(mediaAssets.status, "pending")));
    }
    return stale.length;
  });
}
