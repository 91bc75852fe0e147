import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import {
  categoryIdInput,
  createCategory,
  createCategoryInput,
  createProduct,
  createProductInput,
  deleteCategory,
  getProduct,
  listCategories,
  listProducts,
  listProductsInput,
  productIdInput,
  reorderCategories,
  reorderInput,
  reorderProducts,
  setProductStatus,
  setProductStatusInput,
  updateCategory,
  updateCategoryInput,
  updateProduct,
  updateProductInput,
} from "@/server/domain/catalog";
import { revalidateStorefront } from "@/server/storefront/cache-tags";

const read = tenantProcedure({ minRole: "viewer" });
const edit = tenantProcedure({ minRole: "member" });

/** Runs a catalog mutation, then expires the tenant's storefront cache. */
const revalidating =
  <T>(tenantId: string) =>
  (result: T): T => {
    revalidateStorefront(tenantId);
    return result;
  };

export const catalogRouter = createTRPCRouter({
  listProducts: read.input(listProductsInput).query(({ ctx, input }) => listProducts(ctx.tenantCtx, input)),
  getProduct: read.input(productIdInput).query(({ ctx, input }) => getProduct(ctx.tenantCtx, input)),
  createProduct: edit.input(createProductInput).mutation(({ ctx, input }) => createProduct(ctx.tenantCtx, input).then(revalidating(ctx.tenantCtx.tenantId))),
  updateProduct: edit.input(updateProductInput).mutation(({ ctx, input }) => updateProduct(ctx.tenantCtx, input).then(revalidating(ctx.tenantCtx.tenantId))),
  setProductStatus: edit.input(setProductStatusInput).mutation(({ ctx, input }) => setProductStatus(ctx.tenantCtx, input).then(revalidating(ctx.tenantCtx.tenantId))),
  reorderProducts: edit.input(reorderInput).mutation(({ ctx, input }) => reorderProducts(ctx.tenantCtx, input).then(revalidating(ctx.tenantCtx.tenantId))),
  listCategories: read.query(({ ctx }) => listCategories(ctx.tenantCtx)),
  createCategory: edit.input(createCategoryInput).mutation(({ ctx, input }) => createCategory(ctx.tenantCtx, input).then(revalidating(ctx.tenantCtx.tenantId))),
  updateCategory: edit.input(updateCategoryInput).mutation(({ ctx, input }) => updateCategory(ctx.tenantCtx, input).then(revalidating(ctx.tenantCtx.tenantId))),
  deleteCategory: edit.input(categoryIdInput).mutation(({ ctx, input }) => deleteCategory(ctx.tenantCtx, input).then(revalidating(ctx.tenantCtx.tenantId))),
  reorderCategories: edit.input(reorderInput).mutation(({ ctx, input }) => reorderCategories(ctx.tenantCtx, input).then(revalidating(ctx.tenantCtx.tenantId))),
});
