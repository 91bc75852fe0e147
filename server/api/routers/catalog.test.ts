import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { auditLog, categories, products, type Tenant } from "@/server/db/schema";
import type { PublicUser } from "@/server/domain/users";
import { addMember, callerFor, makeTenant, makeUser, setTenantStatus } from "@/test/factories";
import { codeOf } from "@/test/trpc";
import { callOverHttp, errorOf } from "@/test/http";

const productRows = (tenantId: string) => db.select().from(products).where(eq(products.tenantId, tenantId));
const auditRows = (tenantId: string, action: string) => db.select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action)));

describe("catalog router", () => {
  let owner: PublicUser;
  let member: PublicUser;
  let viewer: PublicUser;
  let stranger: PublicUser;
  let shop: Tenant;
  let otherShop: Tenant;
  let s: { tenantSlug: string };
  let other: { tenantSlug: string };

  beforeAll(async () => {
    [owner, member, viewer, stranger] = await Promise.all([makeUser("Owner"), makeUser("Member"), makeUser("Viewer"), makeUser("Stranger")]);
    shop = await makeTenant(owner, "Catalog Shop");
    otherShop = await makeTenant(stranger, "Other Shop");
    await addMember(shop.id, member.id, "member");
    await addMember(shop.id, viewer.id, "viewer");
    s = { tenantSlug: shop.slug };
    other = { tenantSlug: otherShop.slug };
  });

  describe("products", () => {
    it("lets a member create a product with an exact price and writes an audit row", async () => {
      const p = await callerFor(member.id).catalog.createProduct({ ...s, name: "Brass Lamp", price: "12.500", currency: "kwd", sku: "LAMP-1" });
      expect(p).toMatchObject({ slug: "brass-lamp", price: "12.500", currency: "KWD", status: "draft", sku: "LAMP-1" });
      expect(await auditRows(shop.id, "product.created")).toHaveLength(1);
    });

    it("keeps the currency null (shop default) when none is given", async () => {
      const p = await callerFor(owner.id).catalog.createProduct({ ...s, name: "Plain Mug", price: "7" });
      expect(p.currency).toBeNull();
      expect(p.price).toBe("7.000");
    });

    it("refuses a negative price, more than 3 decimals, an unknown currency and a taken slug with BAD_REQUEST naming the field", async () => {
      const before = (await productRows(shop.id)).length;
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ name: "Neg", price: "-1.00" }, "price", /negative/],
        [{ name: "Neg number", price: -5 }, "price", /negative/],
        [{ name: "Decimals", price: "1.2345" }, "price", /3 decimals/],
        [{ name: "Currency", price: "1", currency: "XYZ" }, "currency", /Unknown currency/],
        [{ name: "Taken", slug: "brass-lamp", price: "1" }, "slug", /already used/],
      ];
      for (const [input, field, message] of cases) {
        const res = await callOverHttp(member.id, "catalog.createProduct", { ...s, ...input }, "mutation");
        expect(res.status, JSON.stringify(input)).toBe(400);
        const fe = errorOf(res.body).data.fieldErrors ?? {};
        expect(Object.keys(fe)).toContain(field);
        expect(fe[field]![0]).toMatch(message);
      }
      expect((await productRows(shop.id)).length).toBe(before);
    });

    it("allows at most the currency's minor digits (JPY 0, EUR 2, KWD 3), the shop's default included, and changes nothing otherwise", async () => {
      const owner2 = await makeUser("Yen Owner");
      const yenShop = await makeTenant(owner2, "Yen Shop");
      await callerFor(owner2.id).tenants.updateSettings({ tenantSlug: yenShop.slug, defaultCurrency: "JPY" });
      const y = { tenantSlug: yenShop.slug };
      const refused: [Record<string, unknown>, string, RegExp][] = [
        [{ name: "Half yen", price: "1200.5", currency: "JPY" }, "price", /JPY prices have no decimals/],
        [{ name: "Default yen", price: "1200.5" }, "price", /JPY prices have no decimals/],
        [{ name: "Cents and more", price: "9.999", currency: "EUR" }, "price", /EUR prices have at most 2 decimals/],
        [{ name: "Number", price: 0.125, currency: "usd" }, "price", /USD prices have at most 2 decimals/],
      ];
      for (const [input, field, message] of refused) {
        const res = await callOverHttp(owner2.id, "catalog.createProduct", { ...y, ...input }, "mutation");
        expect(res.status, JSON.stringify(input)).toBe(400);
        expect(errorOf(res.body).data.fieldErrors?.[field]?.[0], JSON.stringify(input)).toMatch(message);
      }
      expect(await productRows(yenShop.id)).toEqual([]);

      // Within the digits (trailing zeros are no decimals): accepted.
      const c = callerFor(owner2.id).catalog;
      const yen = await c.createProduct({ ...y, name: "Yen", price: "1200.000" });
      expect((await c.createProduct({ ...y, name: "Dinar", price: "12.125", currency: "KWD" })).price).toBe("12.125");
      const euro = await c.createProduct({ ...y, name: "Euro", price: "9.99", currency: "EUR" });

      // Updates: a new price, or a new currency under an old price, are checked alike.
      const bad = await callOverHttp(owner2.id, "catalog.updateProduct", { ...y, id: yen.id, price: "1.5" }, "mutation");
      expect(errorOf(bad.body).data.fieldErrors).toEqual({ price: ["JPY prices have no decimals"] });
      const badCurrency = await callOverHttp(owner2.id, "catalog.updateProduct", { ...y, id: euro.id, currency: "JPY" }, "mutation");
      expect(badCurrency.status).toBe(400);
      expect(errorOf(badCurrency.body).data.fieldErrors).toEqual({ currency: ["JPY prices have no decimals"] });
      expect((await c.getProduct({ ...y, id: euro.id })).currency).toBe("EUR");
      expect((await c.updateProduct({ ...y, id: euro.id, price: "10", currency: "JPY" })).currency).toBe("JPY");

      // The shop's default currency cannot change under prices that would not fit it.
      await c.createProduct({ ...y, name: "Whole", price: "5" });
      await callerFor(owner2.id).tenants.updateSettings({ tenantSlug: yenShop.slug, defaultCurrency: "KWD" });
      await c.updateProduct({ ...y, id: yen.id, price: "1.125" });
      const back = await callOverHttp(owner2.id, "tenants.updateSettings", { ...y, defaultCurrency: "JPY" }, "mutation");
      expect(back.status).toBe(400);
      expect(Object.keys(errorOf(back.body).data.fieldErrors ?? {})).toEqual(["defaultCurrency"]);
      expect((await callerFor(owner2.id).tenants.bySlug(y)).defaultCurrency).toBe("KWD");
    });

    it("allows the same slug in another tenant", async () => {
      const p = await callerFor(stranger.id).catalog.createProduct({ ...other, name: "Brass Lamp", price: "1" });
      expect(p.slug).toBe("brass-lamp");
    });

    it("refuses a slug taken on update too, and changes nothing", async () => {
      const mug = (await productRows(shop.id)).find((p) => p.slug === "plain-mug")!;
      const res = await callOverHttp(member.id, "catalog.updateProduct", { ...s, id: mug.id, slug: "brass-lamp" }, "mutation");
      expect(res.status).toBe(400);
      expect(errorOf(res.body).data.fieldErrors).toEqual({ slug: ["This slug is already used by another product"] });
      const bad = await callOverHttp(member.id, "catalog.updateProduct", { ...s, id: mug.id, price: "1.0001" }, "mutation");
      expect(bad.status).toBe(400);
      expect((await productRows(shop.id)).find((p) => p.id === mug.id)!.slug).toBe("plain-mug");
    });

    it("updates a product and reads it back; viewers read but cannot write", async () => {
      const mug = (await productRows(shop.id)).find((p) => p.slug === "plain-mug")!;
      const updated = await callerFor(member.id).catalog.updateProduct({ ...s, id: mug.id, name: "Fancy Mug", price: "8.25", currency: "EUR", stock: 3 });
      expect(updated).toMatchObject({ name: "Fancy Mug", price: "8.250", currency: "EUR", stock: 3 });
      expect(await callerFor(viewer.id).catalog.getProduct({ ...s, id: mug.id })).toMatchObject({ name: "Fancy Mug" });
      expect(await codeOf(callerFor(viewer.id).catalog.updateProduct({ ...s, id: mug.id, name: "Viewer" }))).toBe("FORBIDDEN");
      expect(await codeOf(callerFor(viewer.id).catalog.createProduct({ ...s, name: "Viewer", price: "1" }))).toBe("FORBIDDEN");
      expect(await codeOf(callerFor(viewer.id).catalog.setProductStatus({ ...s, ids: [mug.id], status: "published" }))).toBe("FORBIDDEN");
      expect(await codeOf(callerFor(viewer.id).catalog.reorderProducts({ ...s, ids: [mug.id] }))).toBe("FORBIDDEN");
    });

    it("lists with cursor pagination, search by name or SKU, and status/category filters", async () => {
      const caller = callerFor(owner.id);
      const cat = await caller.catalog.createCategory({ ...s, name: "Pagination" });
      for (let i = 0; i < 5; i++) await caller.catalog.createProduct({ ...s, name: `Page Item ${i}`, price: "1", sku: `PG-${i}`, categoryId: cat.id });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof caller.catalog.listProducts>> = await caller.catalog.listProducts({ ...s, limit: 2, cursor, categoryId: cat.id });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((p) => p.name));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(["Page Item 0", "Page Item 1", "Page Item 2", "Page Item 3", "Page Item 4"]);
      expect((await caller.catalog.listProducts({ ...s, search: "pg-3" })).items.map((p) => p.name)).toEqual(["Page Item 3"]);
      expect((await caller.catalog.listProducts({ ...s, search: "brass" })).items.map((p) => p.slug)).toEqual(["brass-lamp"]);
      expect((await caller.catalog.listProducts({ ...s, search: "%" })).items).toEqual([]);
      expect((await caller.catalog.listProducts({ ...s, status: "published" })).items).toEqual([]);
      expect(await codeOf(caller.catalog.listProducts({ ...s, cursor: "garbage" }))).toBe("BAD_REQUEST");
    });

    it("bulk publishes and archives, and reorders", async () => {
      const caller = callerFor(member.id);
      const items = (await caller.catalog.listProducts({ ...s, search: "Page Item" })).items;
      const ids = items.map((p) => p.id);
      expect(await caller.catalog.setProductStatus({ ...s, ids: ids.slice(0, 3), status: "published" })).toEqual({ count: 3 });
      expect((await caller.catalog.listProducts({ ...s, status: "published" })).items).toHaveLength(3);
      expect(await caller.catalog.setProductStatus({ ...s, ids: [ids[0]!], status: "archived" })).toEqual({ count: 1 });
      expect((await caller.catalog.listProducts({ ...s, status: "archived" })).items.map((p) => p.id)).toEqual([ids[0]]);
      const reversed = [...ids].reverse();
      await caller.catalog.reorderProducts({ ...s, ids: reversed });
      const after = (await caller.catalog.listProducts({ ...s, search: "Page Item" })).items.map((p) => p.id);
      expect(after).toEqual(reversed);
      expect(await auditRows(shop.id, "product.published")).toHaveLength(1);
    });

    it("answers NOT_FOUND for another tenant's shop and for another tenant's product ids, changing nothing", async () => {
      const mine = callerFor(owner.id);
      const foreign = (await productRows(otherShop.id))[0]!;
      expect(await codeOf(mine.catalog.listProducts(other))).toBe("NOT_FOUND");
      expect(await codeOf(mine.catalog.createProduct({ ...other, name: "Intruder", price: "1" }))).toBe("NOT_FOUND");
      expect(await codeOf(mine.catalog.getProduct({ ...s, id: foreign.id }))).toBe("NOT_FOUND");
      expect(await codeOf(mine.catalog.getProduct({ ...other, id: foreign.id }))).toBe("NOT_FOUND");
      expect(await codeOf(mine.catalog.updateProduct({ ...s, id: foreign.id, name: "Hijacked" }))).toBe("NOT_FOUND");
      expect(await codeOf(mine.catalog.setProductStatus({ ...s, ids: [foreign.id], status: "archived" }))).toBe("NOT_FOUND");
      expect(await codeOf(mine.catalog.reorderProducts({ ...s, ids: [foreign.id] }))).toBe("NOT_FOUND");
      const after = (await productRows(otherShop.id))[0]!;
      expect(after).toEqual(foreign);
    });

    it("refuses a category from another tenant", async () => {
      const foreignCat = await callerFor(stranger.id).catalog.createCategory({ ...other, name: "Foreign" });
      const res = await callOverHttp(owner.id, "catalog.createProduct", { ...s, name: "Cross", price: "1", categoryId: foreignCat.id }, "mutation");
      expect(res.status).toBe(400);
      expect(Object.keys(errorOf(res.body).data.fieldErrors ?? {})).toEqual(["categoryId"]);
    });

    it("keeps a suspended shop's catalog read-only", async () => {
      const o = await makeUser();
      const t = await makeTenant(o, "Suspended Catalog");
      await callerFor(o.id).catalog.createProduct({ tenantSlug: t.slug, name: "Before", price: "1" });
      await setTenantStatus(t.id, "suspended");
      expect((await callerFor(o.id).catalog.listProducts({ tenantSlug: t.slug })).items).toHaveLength(1);
      expect(await codeOf(callerFor(o.id).catalog.createProduct({ tenantSlug: t.slug, name: "After", price: "1" }))).toBe("PRECONDITION_FAILED");
    });
  });

  describe("categories", () => {
    it("creates nested categories with per-tenant unique slugs, lists, updates, reorders and deletes", async () => {
      const caller = callerFor(member.id);
      const parent = await caller.catalog.createCategory({ ...s, name: "Lighting" });
      const child = await caller.catalog.createCategory({ ...s, name: "Desk Lamps", parentId: parent.id });
      expect(child).toMatchObject({ slug: "desk-lamps", parentId: parent.id });
      const dup = await callOverHttp(member.id, "catalog.createCategory", { ...s, name: "Lighting again", slug: "lighting" }, "mutation");
      expect(dup.status).toBe(400);
      expect(errorOf(dup.body).data.fieldErrors).toEqual({ slug: ["This slug is already used by another category"] });
      // Same slug in another tenant is fine.
      await callerFor(stranger.id).catalog.createCategory({ ...other, name: "Lighting" });

      const cycle = await callOverHttp(member.id, "catalog.updateCategory", { ...s, id: parent.id, parentId: child.id }, "mutation");
      expect(cycle.status).toBe(400);
      const renamed = await caller.catalog.updateCategory({ ...s, id: child.id, name: "Table Lamps", slug: "table-lamps" });
      expect(renamed.slug).toBe("table-lamps");

      const viewerList = await callerFor(viewer.id).catalog.listCategories(s);
      expect(viewerList.map((c) => c.slug)).toEqual(expect.arrayContaining(["lighting", "table-lamps"]));

      const ids = viewerList.map((c) => c.id).reverse();
      await caller.catalog.reorderCategories({ ...s, ids });
      expect((await caller.catalog.listCategories(s)).map((c) => c.id)).toEqual(ids);

      const lamp = await caller.catalog.createProduct({ ...s, name: "Lit Lamp", price: "3", categoryId: parent.id });
      await caller.catalog.deleteCategory({ ...s, id: parent.id });
      const [after] = await db.select().from(products).where(and(eq(products.tenantId, shop.id), eq(products.id, lamp.id)));
      expect(after!.categoryId).toBeNull();
      const [movedChild] = await db.select().from(categories).where(and(eq(categories.tenantId, shop.id), eq(categories.id, child.id)));
      expect(movedChild!.parentId).toBeNull();
      expect(await auditRows(shop.id, "category.deleted")).toHaveLength(1);
    });

    it("denies viewers and other tenants", async () => {
      const cat = await callerFor(owner.id).catalog.createCategory({ ...s, name: "Guarded" });
      const v = callerFor(viewer.id);
      expect(await codeOf(v.catalog.createCategory({ ...s, name: "Nope" }))).toBe("FORBIDDEN");
      expect(await codeOf(v.catalog.updateCategory({ ...s, id: cat.id, name: "Nope" }))).toBe("FORBIDDEN");
      expect(await codeOf(v.catalog.deleteCategory({ ...s, id: cat.id }))).toBe("FORBIDDEN");
      expect(await codeOf(v.catalog.reorderCategories({ ...s, ids: [cat.id] }))).toBe("FORBIDDEN");
      const x = callerFor(stranger.id);
      expect(await codeOf(x.catalog.listCategories(s))).toBe("NOT_FOUND");
      expect(await codeOf(x.catalog.updateCategory({ ...other, id: cat.id, name: "Stolen" }))).toBe("NOT_FOUND");
      expect(await codeOf(x.catalog.deleteCategory({ ...other, id: cat.id }))).toBe("NOT_FOUND");
      expect(await codeOf(x.catalog.reorderCategories({ ...other, ids: [cat.id] }))).toBe("NOT_FOUND");
      const [still] = await db.select().from(categories).where(and(eq(categories.tenantId, shop.id), eq(categories.id, cat.id)));
      expect(still!.name).toBe("Guarded");
    });
  });
});

describe("catalog router: empty updates", () => {
  it("answers BAD_REQUEST for an update with nothing to change", async () => {
    const o = await makeUser();
    const t = await makeTenant(o, "Empty Update Shop");
    const p = await callerFor(o.id).catalog.createProduct({ tenantSlug: t.slug, name: "Thing", price: "1" });
    const c = await callerFor(o.id).catalog.createCategory({ tenantSlug: t.slug, name: "Things" });
    expect((await callOverHttp(o.id, "catalog.updateProduct", { tenantSlug: t.slug, id: p.id }, "mutation")).status).toBe(400);
    expect((await callOverHttp(o.id, "catalog.updateCategory", { tenantSlug: t.slug, id: c.id }, "mutation")).status).toBe(400);
  });
});
