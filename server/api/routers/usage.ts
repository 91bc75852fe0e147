import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { getUsageOverview } from "@/server/domain/usage/overview";
import { getUsageStatement, listUsageStatements, statementPeriodInput } from "@/server/domain/usage/statements";

// Usage and its statements are read-only for every role; amounts are not secret inside the shop.
const read = tenantProcedure({ minRole: "viewer" });

export const usageRouter = createTRPCRouter({
  overview: read.query(({ ctx }) => getUsageOverview(ctx.tenantCtx)),
  statements: read.query(({ ctx }) => listUsageStatements(ctx.tenantCtx)),
  statement: read.input(statementPeriodInput).query(({ ctx, input }) => getUsageStatement(ctx.tenantCtx, input)),
});
