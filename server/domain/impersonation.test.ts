import { and, desc, eq, sql } from "drizzle-orm";
import superjson from "superjson";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as trpcGet, POST as trpcPost } from "@/app/api/trpc/[trpc]/route";
import { auditLog, impersonations, users } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { handlers } from "@/server/auth";
import { CookieJar, request, signInOverHttp } from "@/test/auth-http";
import { addMember, callerFor, makeTenant, makeUser, setTenantStatus, TEST_PASSWORD } from "@/test/factories";
import { codeOf } from "@/test/trpc";
import { IMPERSONATION_MINUTES } from "./impersonation";

async function makeAdmin(name = "Platform Admin") {
  const admin = await makeUser(name);
  await withSystem("test", (tx) => tx.update(users).set({ isPlatformAdmin: true }).where(eq(users.id, admin.id)));
  return admin;
}

type SessionBody = { user?: { id: string }; impersonatorUserId?: string | null } | null;

async function readSession(jar: CookieJar): Promise<SessionBody> {
  const res = await handlers.GET(request("/api/auth/session", jar));
  jar.take(res);
  return (await res.json()) as SessionBody;
}

/** The session update the console's start action makes (any browser can post one: it must be checked). */
async function updateSession(jar: CookieJar, data: unknown): Promise<SessionBody> {
  const csrf = await handlers.GET(request("/api/auth/csrf", jar));
  jar.take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await handlers.POST(request("/api/auth/session", jar, { method: "POST", body: JSON.stringify({ csrfToken, data }), headers: { "content-type": "application/json" } }));
  jar.take(res);
  return (await res.json()) as SessionBody;
}

/** A procedure through the real /api/trpc route, with the browser's cookies. */
async function trpcOverHttp(jar: CookieJar, path: string, input: unknown, type: "query" | "mutation") {
  const encoded = JSON.stringify(superjson.serialize(input));
  const ctx = { params: Promise.resolve({ trpc: path }) };
  const res =
    type === "query"
      ? await trpcGet(request(`/api/trpc/${path}?input=${encodeURIComponent(encoded)}`, jar), ctx)
      : await trpcPost(request(`/api/trpc/${path}`, jar, { method: "POST", body: encoded, headers: { "content-type": "application/json" } }), ctx);
  return { status: res!.status, body: (await res!.json()) as { result?: { data: { json: unknown } } } };
}

let admin: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  admin = await makeAdmin();
});

describe("starting an impersonation", () => {
  it("refuses another platform admin, oneself, a missing reason, and non-admins, writing nothing", async () => {
    const other = await makeAdmin("Other Admin");
    const member = await makeUser("Member");
    const as = callerFor(admin.id);
    expect(await codeOf(as.admin.users.impersonate({ userId: other.id, reason: "checking a bug" }))).toBe("FORBIDDEN");
    expect(await codeOf(as.admin.users.impersonate({ userId: admin.id, reason: "checking a bug" }))).toBe("BAD_REQUEST");
    expect(await codeOf(as.admin.users.impersonate({ userId: member.id, reason: "" }))).toBe("BAD_REQUEST");
    expect(await codeOf(callerFor(member.id).admin.users.impersonate({ userId: other.id, reason: "checking a bug" }))).toBe("FORBIDDEN");
    const rows = await withSystem("test", (tx) => tx.select().from(impersonations).where(eq(impersonations.adminUserId, admin.id)));
    expect(rows).toEqual([]);
  });

  it("lasts at most an hour and is audited with the reason", async () => {
    const target = await makeUser("Target");
    const started = await callerFor(admin.id).admin.users.impersonate({ userId: target.id, reason: "support ticket 1" });
    const minutes = (started.expiresAt.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(IMPERSONATION_MINUTES - 1);
    expect(minutes).toBeLessThanOrEqual(IMPERSONATION_MINUTES);
    const [entry] = await withSystem("test", (tx) => tx.select().from(auditLog).where(and(eq(auditLog.action, "impersonation.started"), eq(auditLog.targetId, target.id))));
    expect(entry).toMatchObject({ actorUserId: admin.id, metadata: { reason: "support ticket 1", impersonationId: started.id } });
  });
});

describe("an impersonating session", () => {
  it("acts as the target, cannot reach the console, writes audit rows with both identities, and Stop ends it server-side", async () => {
    const owner = await makeUser("Shop Owner");
    const shop = await makeTenant(owner, "Impersonated Shop");
    await setTenantStatus(shop.id, "active");
    const jar = await signInOverHttp(admin.email, TEST_PASSWORD);
    const started = await callerFor(admin.id).admin.users.impersonate({ userId: owner.id, reason: "help with catalog", tenantId: shop.id });

    const session = await updateSession(jar, { impersonationId: started.id });
    expect(session?.user?.id).toBe(owner.id);
    expect(session?.impersonatorUserId).toBe(admin.id);

    // The console refuses it, though the cookie belongs to an admin.
    expect((await trpcOverHttp(jar, "admin.summary", undefined, "query")).status).toBe(403);
    const banner = await trpcOverHttp(jar, "impersonation.current", undefined, "query");
    expect(banner.body.result?.data.json).toMatchObject({ email: owner.email, adminEmail: admin.email });

    const created = await trpcOverHttp(jar, "catalog.createCategory", { tenantSlug: shop.slug, name: "Made while impersonating" }, "mutation");
    expect(created.status).toBe(200);
    const [row] = await withSystem("test", (tx) =>
      tx.select().from(auditLog).where(and(eq(auditLog.tenantId, shop.id), eq(auditLog.action, "category.created"))).orderBy(desc(auditLog.id)).limit(1),
    );
    expect(row).toMatchObject({ actorUserId: owner.id, impersonatorUserId: admin.id });

    expect((await trpcOverHttp(jar, "impersonation.stop", undefined, "mutation")).status).toBe(200);
    const [ended] = await withSystem("test", (tx) => tx.select().from(auditLog).where(and(eq(auditLog.action, "impersonation.ended"), eq(auditLog.targetId, owner.id))));
    expect(ended).toMatchObject({ actorUserId: owner.id, impersonatorUserId: admin.id, tenantId: shop.id });
    // The same cookie, unchanged by the browser: the row says it ended, so the admin is themself again.
    const after = await readSession(jar);
    expect(after?.user?.id).toBe(admin.id);
    expect(after?.impersonatorUserId).toBeNull();
    expect((await trpcOverHttp(jar, "admin.summary", undefined, "query")).status).toBe(200);
  });

  it("ends by itself once expired", async () => {
    const target = await makeUser("Expiring Target");
    const jar = await signInOverHttp(admin.email, TEST_PASSWORD);
    const started = await callerFor(admin.id).admin.users.impersonate({ userId: target.id, reason: "expiry check" });
    expect((await updateSession(jar, { impersonationId: started.id }))?.user?.id).toBe(target.id);
    await withSystem("test", (tx) => tx.update(impersonations).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(impersonations.id, started.id)));
    const session = await readSession(jar);
    expect(session?.user?.id).toBe(admin.id);
    expect(session?.impersonatorUserId).toBeNull();
  });

  it("cannot be forged: a session update naming another admin's impersonation, or by a non-admin, changes nothing", async () => {
    const target = await makeUser("Forged Target");
    const started = await callerFor(admin.id).admin.users.impersonate({ userId: target.id, reason: "forgery check" });
    const member = await makeUser("Curious Member");
    const shop = await makeTenant(member, "Member Shop");
    await addMember(shop.id, target.id, "viewer");
    const jar = await signInOverHttp(member.email, TEST_PASSWORD);
    const session = await updateSession(jar, { impersonationId: started.id });
    expect(session?.user?.id).toBe(member.id);
    expect(session?.impersonatorUserId).toBeNull();
  });

  it("ends when the target is disabled", async () => {
    const target = await makeUser("Disabled Target");
    const jar = await signInOverHttp(admin.email, TEST_PASSWORD);
    const started = await callerFor(admin.id).admin.users.impersonate({ userId: target.id, reason: "before disabling" });
    expect((await updateSession(jar, { impersonationId: started.id }))?.user?.id).toBe(target.id);
    await callerFor(admin.id).admin.users.disable({ userId: target.id, reason: "abuse report" });
    expect((await readSession(jar))?.user?.id).toBe(admin.id);
  });
});
