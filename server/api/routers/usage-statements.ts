import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { getUsageStatement, listUsageStatements, statementPeriodInput } from "@/server/domain/usage/statements";

// Statements are read-only for every role; amounts are not secret inside the shop.
const read = tenantProcedure({ minRole: "viewer" });

export const usageStatementsRouter = createTRPCRouter({
  list: read.query(({ ctx }) => listUsageStatements(ctx.tenantCtx)),
  get: read.input(statementPeriodInput).query(({ ctx, input }) => getUsageStatement(ctx.tenantCtx, input)),
});
