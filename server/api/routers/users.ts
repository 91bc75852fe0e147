import { authedProcedure, callerProcedure, createTRPCRouter } from "@/server/api/trpc";
import { DomainError } from "@/server/domain/errors";
import { getUser, resendVerification, signOutEverywhere, updateProfile, updateProfileInput } from "@/server/domain/users";

export const usersRouter = createTRPCRouter({
  me: authedProcedure.query(async ({ ctx }) => {
    const user = await getUser(ctx.userId);
    if (!user) throw new DomainError("unauthorized", "Your account no longer exists");
    return user;
  }),
  /** Who this caller is, whether a session or an API key (the client's and the CLI's `whoami`). */
  whoami: callerProcedure.query(async ({ ctx }) => {
    const { caller } = ctx;
    if (caller.kind !== "user") return caller;
    const user = await getUser(caller.userId);
    if (!user) throw new DomainError("unauthorized", "Your account no longer exists");
    return { kind: "user" as const, user };
  }),
  updateProfile: authedProcedure.input(updateProfileInput).mutation(({ ctx, input }) => updateProfile(ctx, input)),
  resendVerification: authedProcedure.mutation(({ ctx }) => resendVerification(ctx.userId, ctx)),
  signOutEverywhere: authedProcedure.mutation(({ ctx }) => signOutEverywhere(ctx)),
});
