import { authedProcedure, createTRPCRouter } from "@/server/api/trpc";
import { DomainError } from "@/server/domain/errors";
import { getUser, resendVerification, signOutEverywhere, updateProfile, updateProfileInput } from "@/server/domain/users";

export const usersRouter = createTRPCRouter({
  me: authedProcedure.query(async ({ ctx }) => {
    const user = await getUser(ctx.userId);
    if (!user) throw new DomainError("unauthorized", "Your account no longer exists");
    return user;
  }),
  updateProfile: authedProcedure.input(updateProfileInput).mutation(({ ctx, input }) => updateProfile(ctx, input)),
  resendVerification: authedProcedure.mutation(({ ctx }) => resendVerification(ctx.userId, ctx)),
  signOutEverywhere: authedProcedure.mutation(({ ctx }) => signOutEverywhere(ctx)),
});
