import { createTRPCRouter, tenantProcedure, tenantScopeProcedure } from "@/server/api/trpc";
import { confirmUpload, createUpload, createUploadInput, deleteMedia, listMedia, listMediaInput, mediaIdInput, reorderMedia, reorderMediaInput } from "@/server/domain/media";
import { revalidateStorefront } from "@/server/storefront/cache-tags";

const read = tenantProcedure({ minRole: "viewer" });
const edit = tenantProcedure({ minRole: "member" });
// Confirming and deleting call S3: membership checked, then the domain's own short transactions.
const editStorage = tenantScopeProcedure({ minRole: "member" });

export const mediaRouter = createTRPCRouter({
  list: read.input(listMediaInput).query(({ ctx, input }) => listMedia(ctx.tenantCtx, input)),
  createUpload: edit.input(createUploadInput).mutation(({ ctx, input }) => createUpload(ctx.tenantCtx, input)),
  confirm: editStorage.input(mediaIdInput).mutation(async ({ ctx, input }) => {
    const asset = await confirmUpload(ctx.tenantScope, input);
    revalidateStorefront(ctx.tenantScope.tenantId);
    return asset;
  }),
  delete: editStorage.input(mediaIdInput).mutation(async ({ ctx, input }) => {
    const result = await deleteMedia(ctx.tenantScope, input);
    revalidateStorefront(ctx.tenantScope.tenantId);
    return result;
  }),
  reorder: edit.input(reorderMediaInput).mutation(async ({ ctx, input }) => {
    const result = await reorderMedia(ctx.tenantCtx, input);
    revalidateStorefront(ctx.tenantCtx.tenantId);
    return result;
  }),
});
