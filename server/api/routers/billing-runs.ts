import { createTRPCRouter, platformAdminProcedure } from "@/server/api/trpc";
import { billingRunIdsInput, getRuns, listRuns, startBillingRun, startBillingRunInput } from "@/server/domain/usage/billing-run-admin";

/** Platform admin: the billing runs page (history, live progress, start a period). */
export const billingRunsRouter = createTRPCRouter({
  list: platformAdminProcedure.query(() => listRuns()),
  byIds: platformAdminProcedure.input(billingRunIdsInput).query(({ input }) => getRuns(input)),
  start: platformAdminProcedure.input(startBillingRunInput).mutation(({ ctx, input }) => startBillingRun(ctx, input)),
});
