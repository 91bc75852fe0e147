import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createApiContext } from "@/server/api/trpc";
import { auditLog, stripeEvents, tenants, users } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { sessionState } from "@/server/domain/impersonation";
import { verifyCredentials } from "@/server/domain/users";
import { runDueJobs } from "@/server/jobs/run-once";
import { addMember, callerFor, makeTenant, makeUser, setTenantStatus, TEST_PASSWORD, uniqueSuffix } from "@/test/factories";
import { codeOf } from "@/test/trpc";
import { GET as exportAudit } from "@/app/admin/audit/export/route";
import { request, signInOverHttp } from "@/test/auth-http";
import { parseCsv } from "@/test/csv";
import { csvField } from "@/server/domain/admin-audit";

let adminId: string;
const admin = () => callerFor(adminId);

beforeAll(async () => {
  const user = await makeUser("Console Admin");
  await withSystem("test", (tx) => tx.update(users).set({ isPlatformAdmin: true }).where(eq(users.id, user.id)));
  adminId = user.id;
});

async function auditRows(tenantId: string, action: string) {
  return withSystem("test", (tx) => tx.select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action))).orderBy(desc(auditLog.id)));
}

async function statusOf(tenantId: string) {
  const [row] = await withSystem("test", (tx) => tx.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, tenantId)));
  return row?.status;
}

describe("admin router access", () => {
  it("is FORBIDDEN to shop members and to an impersonating admin, UNAUTHORIZED signed out", async () => {
    const owner = await makeUser("Owner");
    const shop = await makeTenant(owner);
    const member = callerFor(owner.id);
    expect(await codeOf(member.admin.summary())).toBe("FORBIDDEN");
    expect(await codeOf(member.admin.tenants.list({}))).toBe("FORBIDDEN");
    expect(await codeOf(member.admin.tenants.suspend({ tenantId: shop.id, reason: "I am the owner" }))).toBe("FORBIDDEN");
    expect(await codeOf(member.admin.audit({}))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(null).admin.users.list({}))).toBe("UNAUTHORIZED");
    const impersonating = createCaller(createApiContext({ userId: adminId, impersonatorUserId: owner.id }));
    expect(await codeOf(impersonating.admin.stripeEvents.list({}))).toBe("FORBIDDEN");
    expect(await statusOf(shop.id)).not.toBe("suspended");
  });
});

describe("tenants", () => {
  it("searches, filters by status and plan, sorts and paginates; the summary counts them", async () => {
    const tag = `zq${uniqueSuffix()}`;
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await makeTenant(await makeUser("Shop Owner"), `${tag} shop ${i}`));
    await setTenantStatus(made[0]!.id, "suspended");
    const all = await admin().admin.tenants.list({ q: tag, sort: "name", dir: "asc" });
    expect(all.total).toBe(3);
    expect(all.rows.map((r) => r.name)).toEqual([`${tag} shop 0`, `${tag} shop 1`, `${tag} shop 2`]);
    expect(all.rows[0]!.members).toBe(1);
    const suspended = await admin().admin.tenants.list({ q: tag, status: "suspended" });
    expect(suspended.rows.map((r) => r.id)).toEqual([made[0]!.id]);
    expect((await admin().admin.tenants.list({ q: tag, plan: "no-such-plan" })).total).toBe(0);
    const second = await admin().admin.tenants.list({ q: tag, sort: "name", dir: "desc", page: 2 });
    expect(second.rows).toEqual([]); // 3 rows fit one page of 25
    const summary = await admin().admin.summary();
    expect(summary.statuses.suspended).toBeGreaterThanOrEqual(1);
    expect(summary.tenants).toBeGreaterThanOrEqual(3);
    expect(await codeOf(admin().admin.tenants.list({ sort: "password" as "name" }))).toBe("BAD_REQUEST");
  });

  it("suspends with a reason and resumes, each audited with the admin; refusals change nothing", async () => {
    const owner = await makeUser("Owner");
    const shop = await makeTenant(owner);
    await setTenantStatus(shop.id, "active");
    expect(await codeOf(admin().admin.tenants.suspend({ tenantId: shop.id, reason: "" }))).toBe("BAD_REQUEST");
    expect(await statusOf(shop.id)).toBe("active");
    expect(await codeOf(admin().admin.tenants.resume({ tenantId: shop.id, reason: "not suspended" }))).toBe("PRECONDITION_FAILED");

    await admin().admin.tenants.suspend({ tenantId: shop.id, reason: "fraud report 42" });
    expect(await statusOf(shop.id)).toBe("suspended");
    const [suspended] = await auditRows(shop.id, "tenant.status_changed");
    expect(suspended).toMatchObject({ actorUserId: adminId, metadata: { from: "active", to: "suspended", cause: `admin:${adminId}`, reason: "fraud report 42" } });
    // The suspended shop's dashboard is read-only for its owner.
    expect(await codeOf(callerFor(owner.id).catalog.createCategory({ tenantSlug: shop.slug, name: "Nope" }))).toBe("PRECONDITION_FAILED");

    await admin().admin.tenants.resume({ tenantId: shop.id, reason: "cleared" });
    expect(await statusOf(shop.id)).toBe("active");
    expect((await auditRows(shop.id, "tenant.status_changed"))[0]).toMatchObject({ actorUserId: adminId, metadata: { to: "active", reason: "cleared" } });
    expect(await codeOf(admin().admin.tenants.suspend({ tenantId: "00000000-0000-4000-8000-000000000000", reason: "missing" }))).toBe("NOT_FOUND");
  });

  it("retries a failed provisioning (queued, audited) and deletes with the retention period", async () => {
    const owner = await makeUser("Owner");
    const shop = await makeTenant(owner);
    await setTenantStatus(shop.id, "active");
    expect(await codeOf(admin().admin.tenants.retryProvisioning({ tenantId: shop.id, reason: "not failed" }))).toBe("PRECONDITION_FAILED");
    await setTenantStatus(shop.id, "failed");
    expect(await admin().admin.tenants.retryProvisioning({ tenantId: shop.id, reason: "mail server fixed" })).toEqual({ queued: true });
    const jobs = await withSystem("test", (tx) => tx.execute<{ n: number }>(sql`select count(*)::int as n from graphile_worker.jobs where key = ${`provision:${shop.id}`}`));
    expect(jobs[0]!.n).toBe(1);
    expect((await auditRows(shop.id, "tenant.provisioning_retried"))[0]).toMatchObject({ actorUserId: adminId, metadata: { reason: "mail server fixed" } });

    await admin().admin.tenants.delete({ tenantId: shop.id, reason: "owner asked" });
    const detail = await admin().admin.tenants.get({ tenantId: shop.id });
    expect(detail.tenant.status).toBe("deleted");
    expect(detail.purgeAfter!.getTime() - detail.tenant.deletedAt!.getTime()).toBe(detail.retentionDays * 86_400_000);
    expect(detail.members.map((m) => m.userId)).toEqual([owner.id]);
    expect(detail.log.some((l) => l.step === "transition" && l.detail.to === "deleted")).toBe(true);
    expect((await auditRows(shop.id, "tenant.status_changed"))[0]).toMatchObject({ actorUserId: adminId, metadata: { to: "deleted", reason: "owner asked", retentionDays: detail.retentionDays } });
    expect(await codeOf(admin().admin.tenants.delete({ tenantId: shop.id, reason: "again" }))).toBe("PRECONDITION_FAILED");
  });
});

describe("users", () => {
  it("finds a user with their shops and roles", async () => {
    const user = await makeUser("Findable Person");
    const other = await makeUser("Shop Owner");
    const shop = await makeTenant(other);
    await addMember(shop.id, user.id, "viewer");
    const found = await admin().admin.users.list({ q: user.email });
    expect(found.rows.map((r) => r.id)).toEqual([user.id]);
    const detail = await admin().admin.users.get({ userId: user.id });
    expect(detail.shops).toEqual([expect.objectContaining({ slug: shop.slug, role: "viewer" })]);
  });

  it("disables a user: sessions end and sign-in is refused; audited; not oneself", async () => {
    const user = await makeUser("To Disable");
    const before = await sessionState(user.id, null);
    expect(before).not.toBeNull();
    expect(await codeOf(admin().admin.users.disable({ userId: adminId, reason: "oops" }))).toBe("BAD_REQUEST");
    await admin().admin.users.disable({ userId: user.id, reason: "spam" });
    expect(await sessionState(user.id, null)).toBeNull();
    expect(await verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip: null })).toBeNull();
    const [entry] = await withSystem("test", (tx) => tx.select().from(auditLog).where(and(eq(auditLog.action, "user.disabled"), eq(auditLog.targetId, user.id))));
    expect(entry).toMatchObject({ actorUserId: adminId, metadata: { reason: "spam" } });
    expect(await codeOf(admin().admin.users.impersonate({ userId: user.id, reason: "look around" }))).toBe("PRECONDITION_FAILED");
    await admin().admin.users.enable({ userId: user.id });
    expect(await verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip: null })).not.toBeNull();
  });
});

describe("Stripe events", () => {
  async function storeFailed(type: string) {
    const id = `evt_admin_${uniqueSuffix()}`;
    const payload = { id, object: "event", type, created: 1, data: { object: { id: `cus_${uniqueSuffix()}`, object: "customer" } } };
    await withSystem("test", (tx) => tx.insert(stripeEvents).values({ id, type, created: 1, payload, status: "failed", attempts: 3, lastError: "boom" }));
    return id;
  }
  async function eventRows(ids: string[]) {
    return withSystem("test", (tx) => tx.select().from(stripeEvents).where(inArray(stripeEvents.id, ids)));
  }

  it("filters, shows the payload, and replays one event from the console through the worker", async () => {
    const type = `customer.admin_${uniqueSuffix()}`;
    const id = await storeFailed(type);
    const list = await admin().admin.stripeEvents.list({ status: "failed", type });
    expect(list.rows).toEqual([expect.objectContaining({ id, attempts: 3, lastError: "boom" })]);
    expect((await admin().admin.stripeEvents.get({ id })).payload).toMatchObject({ id, type });
    expect(await admin().admin.stripeEvents.replay({ id })).toEqual({ ids: [id] });
    expect((await admin().admin.stripeEvents.byIds({ ids: [id] }))[0]!.status).toBe("received");
    await runDueJobs();
    const [after] = await admin().admin.stripeEvents.byIds({ ids: [id] });
    expect(after).toMatchObject({ status: "processed", attempts: 4, lastError: `unhandled type ${type}` });
    const [entry] = await withSystem("test", (tx) => tx.select().from(auditLog).where(and(eq(auditLog.action, "stripe_event.replayed"), eq(auditLog.targetId, id))));
    expect(entry?.actorUserId).toBe(adminId);
    expect(await codeOf(admin().admin.stripeEvents.replay({ id: "evt_missing" }))).toBe("NOT_FOUND");
  });

  it("replays every failed event of a type filter, and only those", async () => {
    const type = `customer.bulk_${uniqueSuffix()}`;
    const failed = [await storeFailed(type), await storeFailed(type)];
    const otherType = await storeFailed(`customer.other_${uniqueSuffix()}`);
    const result = await admin().admin.stripeEvents.replayFailed({ type });
    expect(result.ids.sort()).toEqual([...failed].sort());
    await runDueJobs();
    expect((await eventRows(failed)).map((r) => r.status)).toEqual(["processed", "processed"]);
    expect((await eventRows([otherType]))[0]!.status).toBe("failed");
  });
});

describe("audit trail", () => {
  it("filters by shop, actor, action prefix and time", async () => {
    const owner = await makeUser("Audited Owner");
    const shop = await makeTenant(owner);
    await setTenantStatus(shop.id, "active");
    await admin().admin.tenants.suspend({ tenantId: shop.id, reason: "audit filter test" });
    const byShop = await admin().admin.audit({ shop: shop.slug });
    expect(byShop.rows.map((r) => r.action)).toEqual(expect.arrayContaining(["tenant.created", "tenant.status_changed"]));
    expect(byShop.rows.every((r) => r.shop === shop.slug)).toBe(true);
    const byActor = await admin().admin.audit({ shop: shop.slug, actor: owner.email });
    expect(byActor.rows.map((r) => r.action)).toContain("tenant.created");
    expect(byActor.rows.map((r) => r.action)).not.toContain("tenant.status_changed");
    const byAction = await admin().admin.audit({ shop: shop.slug, action: "tenant.status" });
    expect(byAction.rows).toEqual([]); // an exact action unless it ends with "."
    expect((await admin().admin.audit({ shop: shop.slug, action: "tenant." })).rows.length).toBe(byShop.rows.filter((r) => r.action.startsWith("tenant.")).length);
    expect((await admin().admin.audit({ shop: shop.slug, from: new Date(Date.now() + 60_000) })).rows).toEqual([]);
    expect((await admin().admin.audit({ shop: "no-such-shop" })).rows).toEqual([]);
    expect(await codeOf(admin().admin.audit({ from: "yesterday" as unknown as Date }))).toBe("BAD_REQUEST");
  });
});

describe("audit CSV export", () => {
  it("streams a filter's rows as CSV to an admin, quoting and defusing formulas; 404 to others; 400 on a bad filter", async () => {
    const owner = await makeUser("Csv Owner");
    const shop = await makeTenant(owner);
    await setTenantStatus(shop.id, "active");
    await admin().admin.tenants.suspend({ tenantId: shop.id, reason: '=HYPERLINK("x"), "quoted"' });
    const [me] = await withSystem("test", (tx) => tx.select({ email: users.email }).from(users).where(eq(users.id, adminId)));
    const jar = await signInOverHttp(me!.email, TEST_PASSWORD);
    const ctx = { params: Promise.resolve({}) };
    const res = await exportAudit(request(`/admin/audit/export?shop=${shop.slug}&action=tenant.&actor=${encodeURIComponent(me!.email)}`, jar), ctx);
    expect(res!.status).toBe(200);
    expect(res!.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const table = parseCsv(await res!.text());
    expect(table[0]).toEqual(["id", "time", "action", "shop", "tenant_id", "actor", "actor_user_id", "impersonator", "impersonator_user_id", "target_type", "target_id", "metadata", "request_id"]);
    const rows = table.slice(1);
    expect(rows.map((r) => r[2])).toEqual(["tenant.status_changed"]);
    const suspended = rows[0]!;
    expect(suspended[3]).toBe(shop.slug);
    expect(suspended[5]).toBe(me!.email);
    expect(JSON.parse(suspended[11]!)).toMatchObject({ reason: '=HYPERLINK("x"), "quoted"', to: "suspended" });

    expect(csvField("=SUM(A1)")).toBe("'=SUM(A1)");
    expect(csvField('a,"b"\n')).toBe('"a,""b""\n"');
    const bad = await exportAudit(request(`/admin/audit/export?from=someday`, jar), ctx);
    expect(bad!.status).toBe(400);
    const memberJar = await signInOverHttp(owner.email, TEST_PASSWORD);
    expect((await exportAudit(request(`/admin/audit/export?shop=${shop.slug}`, memberJar), ctx))!.status).toBe(404);
  });
});
