import { authedProcedure, createTRPCRouter, publicProcedure, tenantProcedure, tenantScopeProcedure } from "@/server/api/trpc";
import {
  acceptInvitation,
  changeMemberRole,
  changeRoleInput,
  findInvitationByToken,
  invitationIdInput,
  invitationTokenInput,
  inviteMember,
  inviteMemberInput,
  leaveTeam,
  listInvitations,
  listMembers,
  memberIdInput,
  removeMember,
  resendInvitation,
  revokeInvitation,
  transferOwnership,
} from "@/server/domain/team";

const read = tenantProcedure({ minRole: "viewer" });
const manage = tenantProcedure({ minRole: "admin" });
// Inviting and resending queue a mail after their transaction: no transaction is held around them.
const manageAndMail = tenantScopeProcedure({ minRole: "admin" });

/**
 * A shop's team. Shop API keys act with the role their scopes give (admin scope: admin), so the
 * CLI lists and invites members with a key; leaving and transferring ownership need a person.
 */
export const teamRouter = createTRPCRouter({
  members: read.query(({ ctx }) => listMembers(ctx.tenantCtx)),
  invitations: manage.query(({ ctx }) => listInvitations(ctx.tenantCtx)),
  invite: manageAndMail.input(inviteMemberInput).mutation(({ ctx, input }) => inviteMember(ctx.tenantScope, input)),
  resendInvitation: manageAndMail.input(invitationIdInput).mutation(({ ctx, input }) => resendInvitation(ctx.tenantScope, input)),
  revokeInvitation: manage.input(invitationIdInput).mutation(({ ctx, input }) => revokeInvitation(ctx.tenantCtx, input)),
  changeRole: manage.input(changeRoleInput).mutation(({ ctx, input }) => changeMemberRole(ctx.tenantCtx, input)),
  remove: manage.input(memberIdInput).mutation(({ ctx, input }) => removeMember(ctx.tenantCtx, input)),
  // Leaving is allowed while the shop is read-only (suspended, trial over).
  leave: tenantProcedure({ minRole: "viewer", allowWhenSuspended: true }).mutation(({ ctx }) => leaveTeam(ctx.tenantCtx)),
  transferOwnership: tenantProcedure({ minRole: "owner" }).input(memberIdInput).mutation(({ ctx, input }) => transferOwnership(ctx.tenantCtx, input)),
  /** The invitation page: what a link invites to (null when the link is unknown). */
  invitation: publicProcedure.input(invitationTokenInput).query(({ input }) => findInvitationByToken(input)),
  accept: authedProcedure.input(invitationTokenInput).mutation(({ ctx, input }) => acceptInvitation(ctx, input)),
});
