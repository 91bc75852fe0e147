import { authedProcedure, createTRPCRouter } from "@/server/api/trpc";
import { getImpersonationBanner, stopImpersonation } from "@/server/domain/impersonation";

/** The impersonated side: what the banner shows, and its Stop button (the admin's own session). */
export const impersonationRouter = createTRPCRouter({
  current: authedProcedure.query(({ ctx }) => getImpersonationBanner(ctx)),
  stop: authedProcedure.mutation(({ ctx }) => stopImpersonation(ctx)),
});
