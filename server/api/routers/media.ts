import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { confirmUpload, createUpload, createUploadInput, deleteMedia, listMedia, listMediaInput, mediaIdInput, reorderMedia, reorderMediaInput } from "@/server/domain/media";
import { revalidateStorefront } from "@/server/storefront/cache-tags";

const read = tenantProcedure({ minRole: "viewer" });
const edit = tenantProcedure({ minRole: "member" });

export const mediaRouter = createTRPCRouter({
  list: read.input(listMediaInput).query(({ ctx, input }) => listMedia(ctx.tenantCtx, input)),
  createUpload: edit.input(createUploadInput).mutation(({ ctx, input }) => createUpload(ctx.tenantCtx, input)),
  confirm: edit.input(mediaIdInput).mutation(async ({ ctx, input }) => {
    const asset = await confirmUpload(ctx.tenantCtx, input);
    revalidateStorefront(ctx.tenantCtx.tenantId);
    return asset;
  }),
  delete: edit.input(mediaIdInput).mutation(async ({ ctx, input }) => {
    const result = await deleteMedia(ctx.tenantCtx, input);
    revalidateStorefront(ctx.tenantCtx.tenantId);
    return result;
  }),
  reorder: edit.input(reorderMediaInput).mutation(async ({ ctx, input }) => {
    const result = await reorderMedia(ctx.tenantCtx, input);
    revalidateStorefront(ctx.tenantCtx.tenantId);
    return result;
  }),
});
