import { createHash } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { contextFromHeaders } from "@/server/api/request-context";
import { db } from "@/server/db/client";
import { auditLog, capturedMails, memberships, teamInvitations, tenants, users, type Tenant } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { acceptInvitationWithNewAccount, acceptWithNewAccountInput } from "@/server/domain/team";
import type { PublicUser } from "@/server/domain/users";
import { runDueJobs } from "@/server/jobs/run-once";
import { makeShopKey } from "@/test/api-keys";
import { addMember, callerFor, makeTenant, makeUser, uniqueSuffix } from "@/test/factories";
import { callOverHttp, errorOf } from "@/test/http";
import { codeOf } from "@/test/trpc";

async function setPlan(tenantId: string, plan: string) {
  await withSystem("test-set-plan", (tx) => tx.update(tenants).set({ plan }).where(eq(tenants.id, tenantId)));
}

/** A fresh shop on the Pro plan (room for 20 seats) with its owner. */
async function proShop() {
  const owner = await makeUser("Owner");
  const shop = await makeTenant(owner, "Team Shop");
  await setPlan(shop.id, "pro");
  return { owner, shop };
}

/** Runs the mail jobs and returns the token of the newest invitation link mailed to `email`. */
async function invitationToken(email: string): Promise<string> {
  await runDueJobs();
  const [mail] = await db.select().from(capturedMails).where(eq(capturedMails.to, email)).orderBy(desc(capturedMails.id)).limit(1);
  const match = /\/invite\?token=([^\s]+)/.exec(mail?.text ?? "");
  if (!match) throw new Error(`no invitation mail for ${email}`);
  return decodeURIComponent(match[1]!);
}

async function roleOf(tenantId: string, userId: string) {
  const [row] = await db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
  return row?.role ?? null;
}

async function auditActions(tenantId: string) {
  const rows = await db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.tenantId, tenantId));
  return rows.map((r) => r.action);
}

async function invitationRow(tenantId: string, email: string) {
  const [row] = await db.select().from(teamInvitations).where(and(eq(teamInvitations.tenantId, tenantId), eq(teamInvitations.email, email))).orderBy(desc(teamInvitations.createdAt));
  return row!;
}

function keyCaller(key: string) {
  return contextFromHeaders(new Headers({ authorization: `Bearer ${key}` }), async () => null).then(createCaller);
}

describe("team invitations", () => {
  let owner: PublicUser;
  let shop: Tenant;

  beforeAll(async () => {
    ({ owner, shop } = await proShop());
  });

  it("invites by email, mails a single-use link stored only as a hash, and the invitee joins with the role", async () => {
    const invitee = await makeUser("Invitee");
    const sent = await callerFor(owner.id).team.invite({ tenantSlug: shop.slug, email: invitee.email.toUpperCase(), role: "member" });
    expect(sent).toMatchObject({ email: invitee.email, role: "member", status: "pending", invitedBy: "Owner" });
    const token = await invitationToken(invitee.email);
    const row = await invitationRow(shop.id, invitee.email);
    expect(row.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(row.sentAt).not.toBeNull();

    const details = await callerFor(null).team.invitation({ token });
    expect(details).toMatchObject({ status: "pending", email: invitee.email, role: "member", shopSlug: shop.slug, invitedBy: "Owner", accountExists: true });

    const joined = await callerFor(invitee.id).team.accept({ token });
    expect(joined).toEqual({ slug: shop.slug, name: shop.name, role: "member" });
    expect(await roleOf(shop.id, invitee.id)).toBe("member");
    expect(await callerFor(owner.id).team.invitations({ tenantSlug: shop.slug })).not.toContainEqual(expect.objectContaining({ email: invitee.email }));
    expect(await auditActions(shop.id)).toEqual(expect.arrayContaining(["team.invitation_created", "team.invitation_accepted"]));

    // Single use: the same link again is refused and changes nothing.
    expect(await codeOf(callerFor(invitee.id).team.accept({ token }))).toBe("PRECONDITION_FAILED");
    const other = await makeUser("Other");
    expect(await codeOf(callerFor(other.id).team.accept({ token }))).toBe("PRECONDITION_FAILED");
    expect(await roleOf(shop.id, other.id)).toBeNull();
    expect((await callerFor(null).team.invitation({ token }))?.status).toBe("accepted");
  });

  it("refuses an expired link and adds nobody", async () => {
    const invitee = await makeUser("Late");
    await callerFor(owner.id).team.invite({ tenantSlug: shop.slug, email: invitee.email, role: "viewer" });
    const token = await invitationToken(invitee.email);
    await withSystem("test-expire", (tx) => tx.update(teamInvitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(teamInvitations.email, invitee.email)));
    expect((await callerFor(null).team.invitation({ token }))?.status).toBe("expired");
    const res = await callOverHttp(invitee.id, "team.accept", { token }, "mutation");
    expect(res.status).toBe(412);
    expect(errorOf(res.body).message).toMatch(/expired/);
    expect(await roleOf(shop.id, invitee.id)).toBeNull();
    // Inviting the address again renews the expired invitation instead of doubling it.
    await callerFor(owner.id).team.invite({ tenantSlug: shop.slug, email: invitee.email, role: "member" });
    const open = await db.select().from(teamInvitations).where(and(eq(teamInvitations.tenantId, shop.id), eq(teamInvitations.email, invitee.email)));
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ role: "member", tokenHash: null });
    await callerFor(invitee.id).team.accept({ token: await invitationToken(invitee.email) });
    expect(await roleOf(shop.id, invitee.id)).toBe("member");
  });

  it("refuses a link accepted by someone signed in with another email, and leaves it usable", async () => {
    const invitee = await makeUser("Right");
    const wrong = await makeUser("Wrong");
    await callerFor(owner.id).team.invite({ tenantSlug: shop.slug, email: invitee.email, role: "member" });
    const token = await invitationToken(invitee.email);
    const res = await callOverHttp(wrong.id, "team.accept", { token }, "mutation");
    expect(res.status).toBe(403);
    expect(errorOf(res.body).message).toContain(invitee.email);
    expect(await roleOf(shop.id, wrong.id)).toBeNull();
    expect((await callerFor(null).team.invitation({ token }))?.status).toBe("pending");
    expect(await codeOf(callerFor(null).team.accept({ token }))).toBe("UNAUTHORIZED");
    await callerFor(invitee.id).team.accept({ token });
    expect(await roleOf(shop.id, invitee.id)).toBe("member");
  });

  it("refuses an unknown link and bad input with clear errors", async () => {
    const user = await makeUser();
    expect(await callerFor(null).team.invitation({ token: "not-a-real-token" })).toBeNull();
    expect(await codeOf(callerFor(user.id).team.accept({ token: "not-a-real-token" }))).toBe("NOT_FOUND");
    const res = await callOverHttp(owner.id, "team.invite", { tenantSlug: shop.slug, email: "not an email", role: "member" }, "mutation");
    expect(res.status).toBe(400);
    expect(errorOf(res.body).data.fieldErrors).toHaveProperty("email");
    const badRole = await callOverHttp(owner.id, "team.invite", { tenantSlug: shop.slug, email: `x-${uniqueSuffix()}@example.test`, role: "superuser" }, "mutation");
    expect(badRole.status).toBe(400);
    expect(errorOf(badRole.body).data.fieldErrors).toHaveProperty("role");
  });

  it("refuses to invite a member or an address already invited", async () => {
    const member = await makeUser();
    await addMember(shop.id, member.id, "viewer");
    const res = await callOverHttp(owner.id, "team.invite", { tenantSlug: shop.slug, email: member.email, role: "member" }, "mutation");
    expect(res.status).toBe(409);
    expect(errorOf(res.body).data.fieldErrors).toEqual({ email: ["Already a member of this shop"] });
    const email = `twice-${uniqueSuffix()}@example.test`;
    await callerFor(owner.id).team.invite({ tenantSlug: shop.slug, email, role: "member" });
    expect(await codeOf(callerFor(owner.id).team.invite({ tenantSlug: shop.slug, email, role: "admin" }))).toBe("CONFLICT");
  });

  it("resends with a new link (the old one dies), spaced out, and revokes", async () => {
    const invitee = await makeUser("Resent");
    const sent = await callerFor(owner.id).team.invite({ tenantSlug: shop.slug, email: invitee.email, role: "member" });
    const first = await invitationToken(invitee.email);
    expect(await codeOf(callerFor(owner.id).team.resendInvitation({ tenantSlug: shop.slug, invitationId: sent.id }))).toBe("TOO_MANY_REQUESTS");
    await withSystem("test-backdate", (tx) => tx.update(teamInvitations).set({ requestedAt: new Date(Date.now() - 120_000) }).where(eq(teamInvitations.id, sent.id)));
    await callerFor(owner.id).team.resendInvitation({ tenantSlug: shop.slug, invitationId: sent.id });
    const second = await invitationToken(invitee.email);
    expect(second).not.toBe(first);
    expect(await callerFor(null).team.invitation({ token: first })).toBeNull();
    expect(await codeOf(callerFor(invitee.id).team.accept({ token: first }))).toBe("NOT_FOUND");

    await callerFor(owner.id).team.revokeInvitation({ tenantSlug: shop.slug, invitationId: sent.id });
    expect(await codeOf(callerFor(invitee.id).team.accept({ token: second }))).toBe("NOT_FOUND");
    expect(await roleOf(shop.id, invitee.id)).toBeNull();
    expect(await codeOf(callerFor(owner.id).team.revokeInvitation({ tenantSlug: shop.slug, invitationId: sent.id }))).toBe("NOT_FOUND");
    expect(await auditActions(shop.id)).toEqual(expect.arrayContaining(["team.invitation_resent", "team.invitation_revoked"]));
  });

  it("creates the account of an invitee who has none, verified, and joins it to the shop", async () => {
    const email = `new-${uniqueSuffix()}@example.test`;
    await callerFor(owner.id).team.invite({ tenantSlug: shop.slug, email, role: "admin" });
    const token = await invitationToken(email);
    expect(await callerFor(null).team.invitation({ token })).toMatchObject({ accountExists: false, role: "admin" });
    expect(acceptWithNewAccountInput.safeParse({ token, name: "Newcomer", password: "short" }).success).toBe(false);
    const joined = await acceptInvitationWithNewAccount({}, { token, name: "Newcomer", password: "a-long-enough-password" });
    expect(joined).toMatchObject({ slug: shop.slug, role: "admin", email });
    const [user] = await db.select().from(users).where(eq(users.email, email));
    expect(user!.emailVerified).not.toBeNull();
    expect(await roleOf(shop.id, user!.id)).toBe("admin");
    // The link is spent, and an address with an account must sign in instead.
    await expect(acceptInvitationWithNewAccount({}, { token, name: "Again", password: "a-long-enough-password" })).rejects.toMatchObject({ code: "bad_request" });
  });
});

describe("the member limit counts members and pending invitations", () => {
  it("refuses an invitation past the plan, frees the seat on revoke, and rechecks on accept", async () => {
    const owner = await makeUser("Trial owner");
    const shop = await makeTenant(owner, "Trial Shop"); // Free trial: 2 team members
    const first = await callerFor(owner.id).team.invite({ tenantSlug: shop.slug, email: `one-${uniqueSuffix()}@example.test`, role: "member" });
    const res = await callOverHttp(owner.id, "team.invite", { tenantSlug: shop.slug, email: `two-${uniqueSuffix()}@example.test`, role: "member" }, "mutation");
    expect(res.status).toBe(412);
    expect(errorOf(res.body).message).toMatch(/Free trial plan allows 2 team members/);
    expect(await callerFor(owner.id).team.invitations({ tenantSlug: shop.slug })).toHaveLength(1);

    await callerFor(owner.id).team.revokeInvitation({ tenantSlug: shop.slug, invitationId: first.id });
    const invitee = await makeUser("Seat");
    await callerFor(owner.id).team.invite({ tenantSlug: shop.slug, email: invitee.email, role: "member" });
    const token = await invitationToken(invitee.email);
    // Someone else took the seat meanwhile (added by the platform): accepting would pass the plan.
    await addMember(shop.id, (await makeUser()).id, "viewer");
    expect(await codeOf(callerFor(invitee.id).team.accept({ token }))).toBe("PRECONDITION_FAILED");
    expect(await roleOf(shop.id, invitee.id)).toBeNull();
  });
});

describe("invitation mail", () => {
  it("is not sent for an invitation revoked before the worker got to it", async () => {
    const { owner, shop } = await proShop();
    const email = `revoked-${uniqueSuffix()}@example.test`;
    const sent = await callerFor(owner.id).team.invite({ tenantSlug: shop.slug, email, role: "viewer" });
    await callerFor(owner.id).team.revokeInvitation({ tenantSlug: shop.slug, invitationId: sent.id });
    await runDueJobs();
    expect(await db.select().from(capturedMails).where(eq(capturedMails.to, email))).toEqual([]);
    expect((await invitationRow(shop.id, email)).tokenHash).toBeNull();
  });
});

describe("the last seat", () => {
  it("goes to one of two invitations sent at once", async () => {
    const owner = await makeUser("Racer");
    const shop = await makeTenant(owner, "Race Shop"); // Free trial: owner + one seat
    const outcomes = await Promise.all(
      ["a", "b"].map((x) => codeOf(callerFor(owner.id).team.invite({ tenantSlug: shop.slug, email: `${x}-${uniqueSuffix()}@example.test`, role: "member" }))),
    );
    expect(outcomes.sort()).toEqual(["OK", "PRECONDITION_FAILED"]);
    expect(await callerFor(owner.id).team.invitations({ tenantSlug: shop.slug })).toHaveLength(1);
  });
});

describe("roles and owners", () => {
  let owner: PublicUser;
  let admin: PublicUser;
  let member: PublicUser;
  let viewer: PublicUser;
  let shop: Tenant;

  beforeAll(async () => {
    ({ owner, shop } = await proShop());
    [admin, member, viewer] = await Promise.all([makeUser("Admin"), makeUser("Member"), makeUser("Viewer")]);
    await addMember(shop.id, admin.id, "admin");
    await addMember(shop.id, member.id, "member");
    await addMember(shop.id, viewer.id, "viewer");
  });

  it("lists members to every member, invitations to admins only", async () => {
    const list = await callerFor(viewer.id).team.members({ tenantSlug: shop.slug });
    expect(list.map((m) => m.role)).toEqual(["owner", "admin", "member", "viewer"]);
    expect(list.find((m) => m.isYou)?.userId).toBe(viewer.id);
    expect(await codeOf(callerFor(member.id).team.invitations({ tenantSlug: shop.slug }))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor((await makeUser()).id).team.members({ tenantSlug: shop.slug }))).toBe("NOT_FOUND");
  });

  it("refuses to raise anyone above the caller's own role, and changes nothing", async () => {
    const escalations = [
      callOverHttp(admin.id, "team.invite", { tenantSlug: shop.slug, email: `boss-${uniqueSuffix()}@example.test`, role: "owner" }, "mutation"),
      callOverHttp(admin.id, "team.changeRole", { tenantSlug: shop.slug, userId: member.id, role: "owner" }, "mutation"),
      callOverHttp(admin.id, "team.changeRole", { tenantSlug: shop.slug, userId: admin.id, role: "owner" }, "mutation"),
      callOverHttp(admin.id, "team.changeRole", { tenantSlug: shop.slug, userId: owner.id, role: "viewer" }, "mutation"),
      callOverHttp(admin.id, "team.remove", { tenantSlug: shop.slug, userId: owner.id }, "mutation"),
      callOverHttp(admin.id, "team.transferOwnership", { tenantSlug: shop.slug, userId: admin.id }, "mutation"),
      callOverHttp(member.id, "team.changeRole", { tenantSlug: shop.slug, userId: member.id, role: "admin" }, "mutation"),
      callOverHttp(member.id, "team.invite", { tenantSlug: shop.slug, email: `m-${uniqueSuffix()}@example.test`, role: "viewer" }, "mutation"),
    ];
    for (const res of await Promise.all(escalations)) expect(res.status).toBe(403);
    expect(await roleOf(shop.id, owner.id)).toBe("owner");
    expect(await roleOf(shop.id, admin.id)).toBe("admin");
    expect(await roleOf(shop.id, member.id)).toBe("member");
    expect(await callerFor(owner.id).team.invitations({ tenantSlug: shop.slug })).toEqual([]);
  });

  it("lets an admin change roles up to admin and remove members, audited", async () => {
    const extra = await makeUser("Extra");
    await addMember(shop.id, extra.id, "viewer");
    const changed = await callerFor(admin.id).team.changeRole({ tenantSlug: shop.slug, userId: extra.id, role: "admin" });
    expect(changed).toMatchObject({ userId: extra.id, role: "admin" });
    await callerFor(admin.id).team.remove({ tenantSlug: shop.slug, userId: extra.id });
    expect(await roleOf(shop.id, extra.id)).toBeNull();
    expect(await codeOf(callerFor(extra.id).team.members({ tenantSlug: shop.slug }))).toBe("NOT_FOUND");
    const rows = await db.select().from(auditLog).where(and(eq(auditLog.tenantId, shop.id), eq(auditLog.targetId, extra.id)));
    expect(rows.map((r) => [r.action, r.actorUserId])).toEqual([
      ["team.role_changed", admin.id],
      ["team.member_removed", admin.id],
    ]);
    expect(rows[0]!.metadata).toMatchObject({ from: "viewer", to: "admin" });
  });

  it("always keeps an owner: the last one can neither leave, be demoted nor removed", async () => {
    expect(await codeOf(callerFor(owner.id).team.leave({ tenantSlug: shop.slug }))).toBe("PRECONDITION_FAILED");
    const res = await callOverHttp(owner.id, "team.changeRole", { tenantSlug: shop.slug, userId: owner.id, role: "admin" }, "mutation");
    expect(res.status).toBe(412);
    expect(errorOf(res.body).message).toMatch(/at least one owner/);
    expect(await codeOf(callerFor(owner.id).team.remove({ tenantSlug: shop.slug, userId: owner.id }))).toBe("BAD_REQUEST");
    expect(await roleOf(shop.id, owner.id)).toBe("owner");
  });

  it("two owners demoting each other at once leave one owner", async () => {
    const { owner: a, shop: s } = await proShop();
    const b = await makeUser("Second owner");
    await addMember(s.id, b.id, "owner");
    const outcomes = await Promise.all([
      codeOf(callerFor(a.id).team.changeRole({ tenantSlug: s.slug, userId: b.id, role: "admin" })),
      codeOf(callerFor(b.id).team.changeRole({ tenantSlug: s.slug, userId: a.id, role: "admin" })),
    ]);
    // The second to take the team lock finds its own role changed (or no other owner) and is refused.
    expect(outcomes.filter((c) => c === "OK")).toHaveLength(1);
    const owners = await db.select().from(memberships).where(and(eq(memberships.tenantId, s.id), eq(memberships.role, "owner")));
    expect(owners).toHaveLength(1);
  });

  it("transfers ownership: the new owner is an owner, the old one an admin who may now leave", async () => {
    const { owner: from, shop: s } = await proShop();
    const to = await makeUser("Heir");
    await addMember(s.id, to.id, "viewer");
    expect(await codeOf(callerFor(from.id).team.transferOwnership({ tenantSlug: s.slug, userId: (await makeUser()).id }))).toBe("NOT_FOUND");
    const result = await callerFor(from.id).team.transferOwnership({ tenantSlug: s.slug, userId: to.id });
    expect(result).toMatchObject({ userId: to.id, role: "owner" });
    expect(await roleOf(s.id, from.id)).toBe("admin");
    await callerFor(from.id).team.leave({ tenantSlug: s.slug });
    expect(await roleOf(s.id, from.id)).toBeNull();
    expect(await auditActions(s.id)).toEqual(expect.arrayContaining(["team.ownership_transferred", "team.member_left"]));
    expect(await codeOf(callerFor(to.id).team.leave({ tenantSlug: s.slug }))).toBe("PRECONDITION_FAILED");
  });
});

describe("team procedures with a shop API key", () => {
  it("an admin-scoped key lists and invites up to admin; leaving and transfers need a person; other shops are not found", async () => {
    const { owner, shop } = await proShop();
    const { key } = await makeShopKey(shop, owner.id, ["admin"]);
    const api = await keyCaller(key);
    expect((await api.team.members({ tenantSlug: shop.slug })).map((m) => m.email)).toEqual([owner.email]);
    const email = `cli-${uniqueSuffix()}@example.test`;
    const invited = await api.team.invite({ tenantSlug: shop.slug, email, role: "member" });
    expect(invited).toMatchObject({ email, role: "member", invitedBy: null });
    expect(await codeOf(api.team.invite({ tenantSlug: shop.slug, email: `o-${uniqueSuffix()}@example.test`, role: "owner" }))).toBe("FORBIDDEN");
    expect(await codeOf(api.team.changeRole({ tenantSlug: shop.slug, userId: owner.id, role: "member" }))).toBe("FORBIDDEN");
    expect(await codeOf(api.team.leave({ tenantSlug: shop.slug }))).toBe("FORBIDDEN");
    expect(await codeOf(api.team.transferOwnership({ tenantSlug: shop.slug, userId: owner.id }))).toBe("FORBIDDEN");
    expect(await codeOf(api.team.accept({ token: "x" }))).toBe("FORBIDDEN");
    const [row] = await db.select().from(auditLog).where(and(eq(auditLog.tenantId, shop.id), eq(auditLog.action, "team.invitation_created")));
    expect(row).toMatchObject({ actorUserId: null, metadata: expect.objectContaining({ email, role: "member" }) });

    const { shop: other } = await proShop();
    expect(await codeOf(api.team.members({ tenantSlug: other.slug }))).toBe("NOT_FOUND");
    const readOnly = await keyCaller((await makeShopKey(shop, owner.id, ["catalog:read"])).key);
    expect(await readOnly.team.members({ tenantSlug: shop.slug })).toHaveLength(1);
    expect(await codeOf(readOnly.team.invite({ tenantSlug: shop.slug, email: `r-${uniqueSuffix()}@example.test`, role: "viewer" }))).toBe("FORBIDDEN");
    const usageOnly = await keyCaller((await makeShopKey(shop, owner.id, ["usage:write"])).key);
    expect(await codeOf(usageOnly.team.members({ tenantSlug: shop.slug }))).toBe("FORBIDDEN");
  });
});
