import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { getUsageOverview } from "@/server/domain/usage/overview";

export const usageRouter = createTRPCRouter({
  overview: tenantProcedure({ minRole: "viewer" }).query(({ ctx }) => getUsageOverview(ctx.tenantCtx)),
});
