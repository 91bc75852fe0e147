import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { analyticsInput, getAnalytics } from "@/server/domain/analytics";
import { getStorefrontSettings, updateStorefrontInput, updateStorefrontSettings } from "@/server/domain/storefront";
import { revalidateStorefront } from "@/server/storefront/cache-tags";

export const storefrontRouter = createTRPCRouter({
  get: tenantProcedure({ minRole: "viewer" }).query(({ ctx }) => getStorefrontSettings(ctx.tenantCtx)),
  update: tenantProcedure({ minRole: "member" })
    .input(updateStorefrontInput)
    .mutation(async ({ ctx, input }) => {
      const settings = await updateStorefrontSettings(ctx.tenantCtx, input);
      revalidateStorefront(ctx.tenantCtx.tenantId);
      return settings;
    }),
  analytics: tenantProcedure({ minRole: "viewer" }).input(analyticsInput).query(({ ctx, input }) => getAnalytics(ctx.tenantCtx, input)),
});
