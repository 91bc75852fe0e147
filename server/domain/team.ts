import { createHash, randomBytes } from "node:crypto";
import { and, asc, count, desc, eq, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import { memberships, membershipRole, teamInvitations, tenants, users, type MembershipRole, type TeamInvitation } from "@/server/db/schema";
import { withSystem, withTenant, type Tx } from "@/server/db/tenancy";
import { env } from "@/server/env";
import { sendMail } from "@/server/integrations/mail";
import { enqueueJobByName } from "@/server/jobs/queue";
import { recordAudit } from "./audit";
import { inTenant, roleAtLeast, type Actor, type TenantContext, type TenantScope } from "./context";
import { DomainError, fieldError } from "./errors";
import { hashPassword } from "./passwords";
import { assertCanAddTeamMember, assertWithinPlanLimit, teamSeatsUsed } from "./plans";
import { text } from "./text";
import { emailInput, nameInput, passwordInput } from "./users";

/**
 * Teams: a shop's members and the invitations to join it.
 *
 * Rules, checked here for every caller (dashboard user or shop API key, whose role comes from
 * its scopes):
 * - nobody gives a role above their own, nor changes or removes someone above them;
 * - a shop always keeps an owner (the last one can neither leave, be removed nor be demoted);
 * - members plus pending invitations stay within the plan's team-member limit.
 * Changes to the team take a lock on the shop's row first, so two of them (two owners demoting
 * each other, two invitations racing for the last seat) run one after the other and each sees
 * the other's result. Every change writes an audit row in its own transaction.
 */

/** How long an invitation link stays valid, from the invitation or its last resend. */
export const INVITATION_TTL_DAYS = 7;
/** A resend is refused this soon after the last mail was asked for (keeps an inbox from being flooded). */
export const RESEND_INTERVAL_MS = 60_000;
/** The worker's invitation mail job (server/jobs/mail.ts), queued by name. */
export const TEAM_INVITATION_MAIL_JOB = "mail:team-invitation";

const roleInput = z.enum(membershipRole.enumValues, { message: "Choose owner, admin, member or viewer" });

export const inviteMemberInput = z.object({ email: emailInput, role: roleInput });
export const invitationIdInput = z.object({ invitationId: z.uuid() });
export const memberIdInput = z.object({ userId: z.uuid() });
export const changeRoleInput = z.object({ userId: z.uuid(), role: roleInput });
export const invitationTokenInput = z.object({ token: text().min(1).max(200) });
export const acceptWithNewAccountInput = z.object({ token: text().min(1).max(200), name: nameInput, password: passwordInput });

export type TeamMember = { userId: string; name: string | null; email: string; role: MembershipRole; joinedAt: Date; isYou: boolean };
export type InvitationStatus = "pending" | "expired" | "accepted" | "revoked";
export type InvitationSummary = Pick<TeamInvitation, "id" | "email" | "role" | "expiresAt" | "sentAt" | "createdAt"> & {
  status: InvitationStatus;
  invitedBy: string | null;
};

function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

function statusOf(row: Pick<TeamInvitation, "acceptedAt" | "revokedAt" | "expiresAt">, now = new Date()): InvitationStatus {
  if (row.acceptedAt) return "accepted";
  if (row.revokedAt) return "revoked";
  return row.expiresAt <= now ? "expired" : "pending";
}

const expiryFromNow = () => new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000);

/** Serializes changes to one shop's team (see the rules above): a row lock on the shop. */
async function lockTeam(tx: Tx, tenantId: string) {
  await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).for("no key update");
}

/**
 * lockTeam for a change made by a member, who acts with the role read before the lock: if a
 * change that held the lock lowered it (or removed them), the request is refused rather than
 * carried out with a role they no longer have.
 */
async function lockTeamFor(ctx: TenantContext) {
  await lockTeam(ctx.tx, ctx.tenantId);
  if (!ctx.userId) return;
  const [me] = await ctx.tx.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, ctx.userId)));
  if (!me || !roleAtLeast(me.role, ctx.role)) throw new DomainError("conflict", "Your role in this shop changed meanwhile. Reload the page and try again.");
}

function assertMayGrant(ctx: TenantScope, role: MembershipRole) {
  if (!roleAtLeast(ctx.role, role)) {
    throw new DomainError("forbidden", `You cannot give the ${role} role: it is above your own (${ctx.role}).`, { role: [`Choose ${ctx.role} or a lower role`] });
  }
}

function assertMayManage(ctx: TenantScope, target: MembershipRole, what: string) {
  if (!roleAtLeast(ctx.role, target)) throw new DomainError("forbidden", `You cannot ${what} a ${target}: the role is above your own (${ctx.role}).`);
}

function requireUser(ctx: TenantScope, what: string): string {
  if (!ctx.userId) throw new DomainError("forbidden", `Only a signed-in member can ${what}; an API key cannot.`);
  return ctx.userId;
}

async function assertAnotherOwner(ctx: TenantContext, leaving: string, message: string) {
  const [row] = await ctx.tx
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.role, "owner"), ne(memberships.userId, leaving)));
  if (!row || row.n === 0) throw new DomainError("precondition_failed", message);
}

async function findMember(ctx: TenantContext, userId: string) {
  const [row] = await ctx.tx
    .select({ userId: memberships.userId, role: memberships.role, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, userId)));
  if (!row) throw new DomainError("not_found", "This person is not a member of the shop.");
  return row;
}

/** The shop's members, owners first, then by when they joined. */
export async function listMembers(ctx: TenantContext): Promise<TeamMember[]> {
  const rows = await ctx.tx
    .select({ userId: memberships.userId, name: users.name, email: users.email, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.tenantId, ctx.tenantId))
    .orderBy(asc(memberships.createdAt));
  const rank: Record<MembershipRole, number> = { owner: 0, admin: 1, member: 2, viewer: 3 };
  return rows.map((r) => ({ ...r, isYou: r.userId === ctx.userId })).sort((a, b) => rank[a.role] - rank[b.role]);
}

/** Open invitations (pending or expired, not accepted or revoked), newest first. */
export async function listInvitations(ctx: TenantContext): Promise<InvitationSummary[]> {
  const rows = await ctx.tx
    .select({
      id: teamInvitations.id,
      email: teamInvitations.email,
      role: teamInvitations.role,
      expiresAt: teamInvitations.expiresAt,
      sentAt: teamInvitations.sentAt,
      createdAt: teamInvitations.createdAt,
      acceptedAt: teamInvitations.acceptedAt,
      revokedAt: teamInvitations.revokedAt,
      invitedBy: users.name,
    })
    .from(teamInvitations)
    // The inviter's name is visible while they are still a member (the users policy).
    .leftJoin(users, eq(users.id, teamInvitations.invitedByUserId))
    .where(and(eq(teamInvitations.tenantId, ctx.tenantId), isNull(teamInvitations.acceptedAt), isNull(teamInvitations.revokedAt)))
    .orderBy(desc(teamInvitations.createdAt));
  return rows.map(({ acceptedAt, revokedAt, ...r }) => ({ ...r, status: statusOf({ acceptedAt, revokedAt, expiresAt: r.expiresAt }) }));
}

async function toSummary(ctx: TenantContext, row: TeamInvitation): Promise<InvitationSummary> {
  const [inviter] = row.invitedByUserId ? await ctx.tx.select({ name: users.name }).from(users).where(eq(users.id, row.invitedByUserId)) : [];
  return { id: row.id, email: row.email, role: row.role, expiresAt: row.expiresAt, sentAt: row.sentAt, createdAt: row.createdAt, status: statusOf(row), invitedBy: inviter?.name ?? null };
}

/**
 * Invites an address with a role. An expired invitation to the same address is renewed rather
 * than doubled; a pending one is a conflict (resend it instead). The mail is queued after this
 * transaction commits (see inviteMember).
 */
export async function createInvitation(ctx: TenantContext, input: z.output<typeof inviteMemberInput>): Promise<InvitationSummary> {
  assertMayGrant(ctx, input.role);
  await lockTeamFor(ctx);
  const [member] = await ctx.tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, ctx.tenantId), eq(users.email, input.email)));
  if (member) throw new DomainError("conflict", `${input.email} is already a member of this shop.`, { email: ["Already a member of this shop"] });
  const [open] = await ctx.tx
    .select()
    .from(teamInvitations)
    .where(and(eq(teamInvitations.tenantId, ctx.tenantId), eq(teamInvitations.email, input.email), isNull(teamInvitations.acceptedAt), isNull(teamInvitations.revokedAt)));
  if (open && statusOf(open) === "pending") {
    throw new DomainError("conflict", `${input.email} already has a pending invitation: resend it instead.`, { email: ["Already invited: resend the invitation instead"] });
  }
  await assertCanAddTeamMember(ctx);
  const values = { role: input.role, invitedByUserId: ctx.userId, expiresAt: expiryFromNow(), requestedAt: new Date(), tokenHash: null, sentAt: null };
  const [row] = open
    ? await ctx.tx
        .update(teamInvitations)
        .set(values)
        .where(and(eq(teamInvitations.tenantId, ctx.tenantId), eq(teamInvitations.id, open.id)))
        .returning()
    : await ctx.tx
        .insert(teamInvitations)
        .values({ tenantId: ctx.tenantId, email: input.email, ...values })
        .returning();
  if (!row) throw new Error("invitation write returned no row");
  await recordAudit(ctx.tx, ctx, {
    tenantId: ctx.tenantId,
    action: "team.invitation_created",
    targetType: "team_invitation",
    targetId: row.id,
    metadata: { email: row.email, role: row.role, expiresAt: row.expiresAt, renewed: Boolean(open) },
  });
  return toSummary(ctx, row);
}

/**
 * Asks for a new link for an open invitation: the old link dies at once, the expiry starts
 * again. Refused within RESEND_INTERVAL_MS of the last request. An expired invitation takes a
 * seat again, so it is checked against the plan's limit.
 */
export async function renewInvitation(ctx: TenantContext, input: z.output<typeof invitationIdInput>, now = new Date()): Promise<InvitationSummary> {
  await lockTeamFor(ctx);
  const open = await findOpenInvitation(ctx, input.invitationId);
  assertMayManage(ctx, open.role, "resend an invitation for");
  const waitMs = open.requestedAt.getTime() + RESEND_INTERVAL_MS - now.getTime();
  if (waitMs > 0) throw new DomainError("rate_limited", `The invitation was sent moments ago. Try again in ${Math.ceil(waitMs / 1000)} seconds.`);
  if (statusOf(open, now) === "expired") await assertCanAddTeamMember(ctx);
  const [row] = await ctx.tx
    .update(teamInvitations)
    .set({ expiresAt: expiryFromNow(), requestedAt: now, tokenHash: null, sentAt: null })
    .where(and(eq(teamInvitations.tenantId, ctx.tenantId), eq(teamInvitations.id, open.id)))
    .returning();
  if (!row) throw new DomainError("not_found", "Invitation not found");
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "team.invitation_resent", targetType: "team_invitation", targetId: row.id, metadata: { email: row.email, role: row.role, expiresAt: row.expiresAt } });
  return toSummary(ctx, row);
}

async function findOpenInvitation(ctx: TenantContext, id: string): Promise<TeamInvitation> {
  const [row] = await ctx.tx
    .select()
    .from(teamInvitations)
    .where(and(eq(teamInvitations.tenantId, ctx.tenantId), eq(teamInvitations.id, id), isNull(teamInvitations.acceptedAt), isNull(teamInvitations.revokedAt)));
  if (!row) throw new DomainError("not_found", "Invitation not found (it may have been accepted or revoked).");
  return row;
}

/** Revokes an open invitation: its link stops working and its seat is freed. */
export async function revokeInvitation(ctx: TenantContext, input: z.output<typeof invitationIdInput>): Promise<InvitationSummary> {
  await lockTeamFor(ctx);
  const open = await findOpenInvitation(ctx, input.invitationId);
  assertMayManage(ctx, open.role, "revoke an invitation for");
  const [row] = await ctx.tx
    .update(teamInvitations)
    .set({ revokedAt: new Date(), tokenHash: null })
    .where(and(eq(teamInvitations.tenantId, ctx.tenantId), eq(teamInvitations.id, open.id), isNull(teamInvitations.revokedAt)))
    .returning();
  if (!row) throw new DomainError("not_found", "Invitation not found");
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "team.invitation_revoked", targetType: "team_invitation", targetId: row.id, metadata: { email: row.email, role: row.role } });
  return toSummary(ctx, row);
}

/**
 * Queues the invitation mail. Its own short system transaction after the invitation's commits
 * (the tenant role has no rights on the job queue); should it fail, the invitation stays
 * "not sent" and Resend queues it again. One queued mail per invitation at a time (job key).
 */
async function queueInvitationMail(tenantId: string, invitationId: string) {
  await withSystem("queue-invitation-mail", (tx) => enqueueJobByName(tx, TEAM_INVITATION_MAIL_JOB, { tenantId, invitationId }, { jobKey: `team-invitation:${invitationId}`, maxAttempts: 5 }));
}

export async function inviteMember(scope: TenantScope, input: z.output<typeof inviteMemberInput>): Promise<InvitationSummary> {
  const invitation = await inTenant(scope, (ctx) => createInvitation(ctx, input));
  await queueInvitationMail(scope.tenantId, invitation.id);
  return invitation;
}

export async function resendInvitation(scope: TenantScope, input: z.output<typeof invitationIdInput>): Promise<InvitationSummary> {
  const invitation = await inTenant(scope, (ctx) => renewInvitation(ctx, input));
  await queueInvitationMail(scope.tenantId, invitation.id);
  return invitation;
}

/**
 * Job: issues the invitation's link and mails it, unless the invitation was accepted, revoked or
 * has expired meanwhile. The token exists only here and in the mail (the row keeps its hash), so
 * it never sits in the job queue; a retried job issues a fresh one.
 */
export async function sendInvitationMail({ tenantId, invitationId }: { tenantId: string; invitationId: string }): Promise<void> {
  const token = randomBytes(32).toString("base64url");
  const issued = await withTenant(tenantId, async (tx) => {
    const [row] = await tx
      .select({ invitation: teamInvitations, shopName: tenants.name, inviter: users.name })
      .from(teamInvitations)
      .innerJoin(tenants, eq(tenants.id, teamInvitations.tenantId))
      .leftJoin(users, eq(users.id, teamInvitations.invitedByUserId))
      .where(and(eq(teamInvitations.tenantId, tenantId), eq(teamInvitations.id, invitationId)));
    if (!row || statusOf(row.invitation) !== "pending") return null;
    await tx
      .update(teamInvitations)
      .set({ tokenHash: hashToken(token), sentAt: new Date() })
      .where(and(eq(teamInvitations.tenantId, tenantId), eq(teamInvitations.id, invitationId)));
    return row;
  });
  if (!issued) return;
  const { invitation, shopName, inviter } = issued;
  const link = `${env.APP_URL}/invite?token=${encodeURIComponent(token)}`;
  const who = inviter ?? "A teammate";
  const until = invitation.expiresAt.toUTCString();
  await sendMail({
    to: invitation.email,
    subject: `Join ${shopName} on Souk`,
    text: `${who} invited you to join ${shopName} on Souk as ${article(invitation.role)} ${invitation.role}.\n\nAccept the invitation (valid until ${until}, and only once):\n${link}\n\nIf you did not expect this, ignore this message.`,
    html: `<p>${escapeHtml(who)} invited you to join <strong>${escapeHtml(shopName)}</strong> on Souk as ${article(invitation.role)} ${invitation.role}.</p><p><a href="${link}">Accept the invitation</a> (valid until ${until}, and only once).</p><p>If you did not expect this, ignore this message.</p>`,
  });
}

const article = (role: MembershipRole) => (role === "owner" || role === "admin" ? "an" : "a");

function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Changes a member's role (never above the caller's, never leaving the shop without an owner). */
export async function changeMemberRole(ctx: TenantContext, input: z.output<typeof changeRoleInput>): Promise<TeamMember> {
  assertMayGrant(ctx, input.role);
  await lockTeamFor(ctx);
  const target = await findMember(ctx, input.userId);
  assertMayManage(ctx, target.role, "change the role of");
  if (target.role !== input.role) {
    if (target.role === "owner") await assertAnotherOwner(ctx, target.userId, "A shop needs at least one owner: make someone else an owner first.");
    await ctx.tx
      .update(memberships)
      .set({ role: input.role })
      .where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, target.userId)));
    await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "team.role_changed", targetType: "user", targetId: target.userId, metadata: { email: target.email, from: target.role, to: input.role } });
  }
  return memberView(ctx, target.userId);
}

async function memberView(ctx: TenantContext, userId: string): Promise<TeamMember> {
  const member = (await listMembers(ctx)).find((m) => m.userId === userId);
  if (!member) throw new DomainError("not_found", "This person is not a member of the shop.");
  return member;
}

/** Removes another member (yourself: leaveTeam). */
export async function removeMember(ctx: TenantContext, input: z.output<typeof memberIdInput>): Promise<{ userId: string }> {
  if (input.userId === ctx.userId) throw new DomainError("bad_request", "To remove yourself, leave the shop instead.");
  await lockTeamFor(ctx);
  const target = await findMember(ctx, input.userId);
  assertMayManage(ctx, target.role, "remove");
  if (target.role === "owner") await assertAnotherOwner(ctx, target.userId, "A shop needs at least one owner: this is the last one.");
  await ctx.tx.delete(memberships).where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, target.userId)));
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "team.member_removed", targetType: "user", targetId: target.userId, metadata: { email: target.email, role: target.role } });
  return { userId: target.userId };
}

/** The caller leaves the shop; the last owner must hand ownership on first. */
export async function leaveTeam(ctx: TenantContext): Promise<{ userId: string }> {
  const userId = requireUser(ctx, "leave a shop");
  await lockTeamFor(ctx);
  const me = await findMember(ctx, userId);
  if (me.role === "owner") await assertAnotherOwner(ctx, userId, "You are the only owner: transfer ownership to someone else before leaving.");
  await ctx.tx.delete(memberships).where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, userId)));
  await recordAudit(ctx.tx, ctx, { tenantId: ctx.tenantId, action: "team.member_left", targetType: "user", targetId: userId, metadata: { email: me.email, role: me.role } });
  return { userId };
}

/** An owner hands ownership to another member, who becomes an owner; the caller becomes an admin. */
export async function transferOwnership(ctx: TenantContext, input: z.output<typeof memberIdInput>): Promise<TeamMember> {
  const userId = requireUser(ctx, "transfer ownership");
  if (ctx.role !== "owner") throw new DomainError("forbidden", "Only an owner can transfer ownership.");
  if (input.userId === userId) throw new DomainError("bad_request", "Choose another member to transfer ownership to.");
  await lockTeamFor(ctx);
  const target = await findMember(ctx, input.userId);
  await ctx.tx.update(memberships).set({ role: "owner" }).where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, target.userId)));
  await ctx.tx.update(memberships).set({ role: "admin" }).where(and(eq(memberships.tenantId, ctx.tenantId), eq(memberships.userId, userId)));
  await recordAudit(ctx.tx, ctx, {
    tenantId: ctx.tenantId,
    action: "team.ownership_transferred",
    targetType: "user",
    targetId: target.userId,
    metadata: { email: target.email, previousRole: target.role, fromUserId: userId },
  });
  return memberView(ctx, target.userId);
}

/** What the invitation page shows for a link; null when the link is unknown (never sent, replaced or revoked). */
export type InvitationDetails = {
  status: InvitationStatus;
  email: string;
  role: MembershipRole;
  shopName: string;
  shopSlug: string;
  invitedBy: string | null;
  expiresAt: Date;
  /** Whether an account with the invited address exists: the page offers sign-in, else sign-up. */
  accountExists: boolean;
};

/**
 * Looks an invitation up by its link's token. Through the system door: the person holding the
 * link is not (yet) a member of the shop, and the token is all they have.
 */
export async function findInvitationByToken(input: z.output<typeof invitationTokenInput>): Promise<InvitationDetails | null> {
  return withSystem("invitation-lookup", async (tx) => {
    const row = await invitationForToken(tx, input.token);
    if (!row) return null;
    const [inviter] = row.invitation.invitedByUserId ? await tx.select({ name: users.name }).from(users).where(eq(users.id, row.invitation.invitedByUserId)) : [];
    const [account] = await tx.select({ id: users.id }).from(users).where(eq(users.email, row.invitation.email));
    return {
      status: statusOf(row.invitation),
      email: row.invitation.email,
      role: row.invitation.role,
      shopName: row.shopName,
      shopSlug: row.shopSlug,
      invitedBy: inviter?.name ?? null,
      expiresAt: row.invitation.expiresAt,
      accountExists: Boolean(account),
    };
  });
}

async function invitationForToken(tx: Tx, token: string, lock = false) {
  const query = tx
    .select({ invitation: teamInvitations, shopName: tenants.name, shopSlug: tenants.slug })
    .from(teamInvitations)
    .innerJoin(tenants, eq(tenants.id, teamInvitations.tenantId))
    .where(and(eq(teamInvitations.tokenHash, hashToken(token)), ne(tenants.status, "deleted")));
  const [row] = lock ? await query.for("update", { of: teamInvitations }) : await query;
  return row ?? null;
}

export type JoinedShop = { slug: string; name: string; role: MembershipRole };

/**
 * Accepts an invitation as `user` inside a system transaction: the link must be pending (single
 * use: the row is locked, then marked accepted) and addressed to the user's own email. Its seat
 * was counted when it was sent; the limit is checked again in case the plan shrank since.
 */
async function acceptInTx(tx: Tx, actor: Actor, token: string, user: { id: string; email: string }): Promise<JoinedShop> {
  const found = await invitationForToken(tx, token);
  if (!found) throw new DomainError("not_found", "This invitation link is invalid or has been replaced by a newer one.");
  // The team lock first, as every team change takes it, then the invitation as it is now.
  await lockTeam(tx, found.invitation.tenantId);
  const row = await invitationForToken(tx, token, true);
  if (!row) throw new DomainError("not_found", "This invitation link is invalid or has been replaced by a newer one.");
  const { invitation } = row;
  const status = statusOf(invitation);
  if (status === "accepted") throw new DomainError("precondition_failed", "This invitation has already been used.");
  if (status === "revoked") throw new DomainError("precondition_failed", "This invitation has been revoked.");
  if (status === "expired") throw new DomainError("precondition_failed", "This invitation has expired. Ask for a new one.");
  if (user.email !== invitation.email) {
    throw new DomainError("forbidden", `This invitation is for ${invitation.email}; you are signed in as ${user.email}. Sign in with the invited address to accept it.`);
  }
  const scope = { tx, tenantId: invitation.tenantId };
  const [existing] = await tx.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.tenantId, invitation.tenantId), eq(memberships.userId, user.id)));
  if (existing) throw new DomainError("conflict", `You are already a member of ${row.shopName}.`);
  await assertWithinPlanLimit(scope, "teamMembers", await teamSeatsUsed(scope), 0);
  await tx.insert(memberships).values({ tenantId: invitation.tenantId, userId: user.id, role: invitation.role });
  await tx
    .update(teamInvitations)
    .set({ acceptedAt: new Date(), acceptedByUserId: user.id })
    .where(and(eq(teamInvitations.tenantId, invitation.tenantId), eq(teamInvitations.id, invitation.id)));
  await recordAudit(tx, actor, {
    tenantId: invitation.tenantId,
    action: "team.invitation_accepted",
    targetType: "team_invitation",
    targetId: invitation.id,
    metadata: { email: invitation.email, role: invitation.role, userId: user.id },
  });
  return { slug: row.shopSlug, name: row.shopName, role: invitation.role };
}

/** A signed-in user accepts an invitation sent to their address. */
export async function acceptInvitation(actor: Actor & { userId: string }, input: z.output<typeof invitationTokenInput>): Promise<JoinedShop> {
  return withSystem("accept-invitation", async (tx) => {
    const [user] = await tx.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, actor.userId));
    if (!user) throw new DomainError("unauthorized", "Your account no longer exists.");
    return acceptInTx(tx, actor, input.token, user);
  });
}

/**
 * Someone without an account accepts: the account is created with the invited address (already
 * verified: the link proved it) and joins, in one transaction, so a failed acceptance leaves no
 * account behind. The caller signs them in afterwards.
 */
export async function acceptInvitationWithNewAccount(actor: Omit<Actor, "userId">, input: z.output<typeof acceptWithNewAccountInput>): Promise<JoinedShop & { email: string }> {
  const passwordHash = await hashPassword(input.password);
  return withSystem("accept-invitation", async (tx) => {
    const row = await invitationForToken(tx, input.token);
    if (!row) throw new DomainError("not_found", "This invitation link is invalid or has been replaced by a newer one.");
    const email = row.invitation.email;
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (existing) throw fieldError("password", "An account with this address already exists: sign in to accept the invitation.");
    const [user] = await tx.insert(users).values({ name: input.name, email, passwordHash, emailVerified: new Date() }).returning({ id: users.id, email: users.email });
    if (!user) throw new Error("insert returned no row");
    await recordAudit(tx, { ...actor, userId: user.id }, { tenantId: null, action: "user.signed_up", targetType: "user", targetId: user.id, metadata: { via: "team_invitation" } });
    const joined = await acceptInTx(tx, { ...actor, userId: user.id }, input.token, user);
    return { ...joined, email };
  });
}
