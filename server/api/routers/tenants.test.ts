import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { auditLog, tenants, type Tenant } from "@/server/db/schema";
import type { PublicUser } from "@/server/domain/users";
import { addMember, callerFor, makeTenant, makeUser, setTenantStatus, uniqueSuffix } from "@/test/factories";
import { codeOf } from "@/test/trpc";
import { callOverHttp, errorOf } from "@/test/http";

async function auditFor(tenantId: string, action: string) {
  return db.select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action)));
}

async function tenantRow(id: string) {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  return row!;
}

describe("tenants router", () => {
  let owner: PublicUser;
  let stranger: PublicUser;
  let viewer: PublicUser;
  let member: PublicUser;
  let admin: PublicUser;
  let shop: Tenant;
  let otherShop: Tenant;

  beforeAll(async () => {
    [owner, stranger, viewer, member, admin] = await Promise.all([makeUser("Owner"), makeUser("Stranger"), makeUser("Viewer"), makeUser("Member"), makeUser("Admin")]);
    shop = await makeTenant(owner, "Main Shop");
    otherShop = await makeTenant(stranger, "Stranger Shop");
    await addMember(shop.id, viewer.id, "viewer");
    await addMember(shop.id, member.id, "member");
    await addMember(shop.id, admin.id, "admin");
  });

  describe("authentication", () => {
    it("rejects signed-out callers with UNAUTHORIZED", async () => {
      const anon = callerFor(null);
      expect(await codeOf(anon.tenants.listMine())).toBe("UNAUTHORIZED");
      expect(await codeOf(anon.tenants.bySlug({ tenantSlug: shop.slug }))).toBe("UNAUTHORIZED");
      expect(await codeOf(anon.tenants.create({ name: "Nope" }))).toBe("UNAUTHORIZED");
      expect(await codeOf(anon.users.me())).toBe("UNAUTHORIZED");
      const http = await callOverHttp(null, "tenants.listMine", undefined, "query");
      expect(http.status).toBe(401);
    });
  });

  describe("create", () => {
    it("makes the creator the owner and writes an audit row", async () => {
      const user = await makeUser();
      const slug = `fresh-${uniqueSuffix()}`;
      const created = await callerFor(user.id).tenants.create({ name: "Fresh Shop", slug });
      expect(created).toMatchObject({ slug, name: "Fresh Shop", defaultCurrency: "EUR" });
      const mine = await callerFor(user.id).tenants.listMine();
      expect(mine).toEqual([expect.objectContaining({ slug, role: "owner" })]);
      const audit = await auditFor(created.id, "tenant.created");
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actorUserId).toBe(user.id);
    });

    it("derives the slug from the name when none is given", async () => {
      const user = await makeUser();
      const name = `Café Ünïcode ${uniqueSuffix()}`;
      const created = await callerFor(user.id).tenants.create({ name });
      expect(created.slug).toMatch(/^cafe-unicode-[0-9a-f]{8}$/);
    });

    it("refuses a slug already taken, naming the field, and changes nothing", async () => {
      const user = await makeUser();
      const res = await callOverHttp(user.id, "tenants.create", { name: "Copycat", slug: shop.slug }, "mutation");
      expect(res.status).toBe(400);
      expect(errorOf(res.body).data.fieldErrors).toEqual({ slug: ["This address is already taken"] });
      expect(await callerFor(user.id).tenants.listMine()).toEqual([]);
    });

    it("refuses invalid and reserved slugs with field messages", async () => {
      const user = await makeUser();
      for (const slug of ["Bad Slug!", "ab", "admin", "-dash-"]) {
        const res = await callOverHttp(user.id, "tenants.create", { name: "Valid name", slug }, "mutation");
        expect(res.status).toBe(400);
        expect(Object.keys(errorOf(res.body).data.fieldErrors ?? {})).toEqual(["slug"]);
      }
    });
  });

  describe("tenant scoping", () => {
    it("lists only the user's own shops", async () => {
      const mine = await callerFor(owner.id).tenants.listMine();
      expect(mine.map((t) => t.slug)).toEqual([shop.slug]);
    });

    it("answers NOT_FOUND for another tenant's shop, exactly as for a missing one", async () => {
      const caller = callerFor(owner.id);
      expect(await codeOf(caller.tenants.bySlug({ tenantSlug: otherShop.slug }))).toBe("NOT_FOUND");
      expect(await codeOf(caller.tenants.updateSettings({ tenantSlug: otherShop.slug, name: "Hijacked" }))).toBe("NOT_FOUND");
      const other = await callOverHttp(owner.id, "tenants.bySlug", { tenantSlug: otherShop.slug }, "query");
      const missing = await callOverHttp(owner.id, "tenants.bySlug", { tenantSlug: "no-such-shop" }, "query");
      expect(other.status).toBe(404);
      expect(errorOf(other.body).message).toBe(errorOf(missing.body).message);
      expect((await tenantRow(otherShop.id)).name).toBe("Stranger Shop");
    });

    it("hides another tenant's shop even with bad input (no validation oracle)", async () => {
      const res = await callOverHttp(owner.id, "tenants.updateSettings", { tenantSlug: otherShop.slug, defaultCurrency: "NOPE" }, "mutation");
      expect(res.status).toBe(404);
    });
  });

  describe("updateSettings", () => {
    it("lets viewers read but not change settings", async () => {
      const caller = callerFor(viewer.id);
      expect(await caller.tenants.bySlug({ tenantSlug: shop.slug })).toMatchObject({ name: "Main Shop", role: "viewer" });
      expect(await codeOf(caller.tenants.updateSettings({ tenantSlug: shop.slug, name: "Viewer was here" }))).toBe("FORBIDDEN");
      const http = await callOverHttp(viewer.id, "tenants.updateSettings", { tenantSlug: shop.slug, name: "Viewer was here" }, "mutation");
      expect(http.status).toBe(403);
      expect((await tenantRow(shop.id)).name).toBe("Main Shop");
    });

    it("refuses members too (admin and owner only)", async () => {
      expect(await codeOf(callerFor(member.id).tenants.updateSettings({ tenantSlug: shop.slug, name: "Member was here" }))).toBe("FORBIDDEN");
    });

    it("rejects bad input with BAD_REQUEST naming the field, and changes nothing", async () => {
      const before = await tenantRow(shop.id);
      const cases: [Record<string, unknown>, string][] = [
        [{ defaultCurrency: "XYZ" }, "defaultCurrency"],
        [{ name: "x" }, "name"],
        [{ brandColor: "red" }, "brandColor"],
      ];
      for (const [input, field] of cases) {
        const res = await callOverHttp(admin.id, "tenants.updateSettings", { tenantSlug: shop.slug, ...input }, "mutation");
        expect(res.status).toBe(400);
        expect(Object.keys(errorOf(res.body).data.fieldErrors ?? {})).toContain(field);
      }
      expect(await tenantRow(shop.id)).toEqual(before);
      expect(await auditFor(shop.id, "tenant.settings_updated")).toHaveLength(0);
    });

    it("saves an admin's change and writes one audit row with the actor and request id", async () => {
      const updated = await callerFor(admin.id).tenants.updateSettings({ tenantSlug: shop.slug, name: "Renamed Shop", defaultCurrency: "kwd", brandColor: "#112233" });
      expect(updated).toMatchObject({ name: "Renamed Shop", defaultCurrency: "KWD" });
      // The brand colour is the storefront theme's (what the storefront reads).
      expect(await callerFor(admin.id).storefront.get({ tenantSlug: shop.slug })).toMatchObject({ primaryColor: "#112233" });
      const audit = await auditFor(shop.id, "tenant.settings_updated");
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actorUserId: admin.id, targetType: "tenant", targetId: shop.id });
      expect(audit[0]!.requestId).toMatch(/^test-/);
      expect(audit[0]!.metadata).toMatchObject({ previous: { name: "Main Shop" } });
    });

    it("keeps a suspended shop read-only", async () => {
      const suspendedOwner = await makeUser();
      const suspended = await makeTenant(suspendedOwner, "Suspended Shop");
      await setTenantStatus(suspended.id, "suspended");
      const caller = callerFor(suspendedOwner.id);
      expect(await caller.tenants.bySlug({ tenantSlug: suspended.slug })).toMatchObject({ status: "suspended" });
      expect(await codeOf(caller.tenants.updateSettings({ tenantSlug: suspended.slug, name: "Still here" }))).toBe("PRECONDITION_FAILED");
    });

    it("hides deleted shops", async () => {
      const deletedOwner = await makeUser();
      const gone = await makeTenant(deletedOwner, "Gone Shop");
      await setTenantStatus(gone.id, "deleted");
      expect(await codeOf(callerFor(deletedOwner.id).tenants.bySlug({ tenantSlug: gone.slug }))).toBe("NOT_FOUND");
      expect(await callerFor(deletedOwner.id).tenants.listMine()).toEqual([]);
    });
  });
});
