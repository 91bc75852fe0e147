import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { proxy } from "@/proxy";
import { db } from "@/server/db/client";
import { provisioningLogs, tenants } from "@/server/db/schema";
import { cronItems } from "@/server/jobs/index";
import { callerFor, makeTenant, makeUser, uniqueSuffix, verifyUserEmail } from "@/test/factories";
import { callOverHttp, errorOf } from "@/test/http";
import { startStripeHarness, type StripeHarness } from "@/test/stripe-harness";
import { codeOf } from "@/test/trpc";
import { createTenant } from "./tenants";
import { endExpiredTrials, trialState } from "./trials";

const DAY_MS = 86_400_000;
let h: StripeHarness;

beforeAll(async () => {
  h = await startStripeHarness();
});
afterAll(async () => {
  await h.close();
});

async function tenantRow(id: string) {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  return row!;
}

/** Moves the shop's trial end to `daysFromNow` (negative: in the past). */
async function setTrialEnd(id: string, daysFromNow: number) {
  await db.update(tenants).set({ trialEndsAt: new Date(Date.now() + daysFromNow * DAY_MS) }).where(eq(tenants.id, id));
}

describe("trial length", () => {
  it("starts the trial plan's 14 days when a trial shop opens; a paid-plan shop has none", async () => {
    const before = Date.now();
    const shop = await makeTenant(await makeUser());
    expect(shop.trialEndsAt!.getTime()).toBeGreaterThanOrEqual(before + 14 * DAY_MS - 1000);
    expect(shop.trialEndsAt!.getTime()).toBeLessThanOrEqual(Date.now() + 14 * DAY_MS);
    expect(trialState(shop)).toMatchObject({ daysLeft: 14, ended: false });
    const paid = await createTenant({ userId: (await makeUser()).id }, { name: "Paid later", slug: `shop-${uniqueSuffix()}`, plan: "pro" });
    expect(paid.trialEndsAt).toBeNull();
    expect(trialState(paid)).toBeNull();
  });

  it("tells the dashboard how many days are left, and when it has ended", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    await setTrialEnd(shop.id, 2.5);
    expect(await callerFor(owner.id).tenants.bySlug({ tenantSlug: shop.slug })).toMatchObject({ trial: { daysLeft: 3, ended: false } });
    expect((await callerFor(owner.id).subscriptions.overview({ tenantSlug: shop.slug })).trial).toMatchObject({ daysLeft: 3, ended: false });
    await setTrialEnd(shop.id, -0.01);
    expect(await callerFor(owner.id).tenants.bySlug({ tenantSlug: shop.slug })).toMatchObject({ trial: { daysLeft: 0, ended: true } });
  });
});

describe("after the trial", () => {
  it("refuses writes with a clear PRECONDITION_FAILED at once, keeps reads and billing open, and changes nothing", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    const caller = callerFor(owner.id);
    expect(await codeOf(caller.tenants.updateSettings({ tenantSlug: shop.slug, name: "Still trying" }))).toBe("OK");
    await setTrialEnd(shop.id, -1);
    const res = await callOverHttp(owner.id, "tenants.updateSettings", { tenantSlug: shop.slug, name: "Too late" }, "mutation");
    expect(res.status).toBe(412);
    expect(errorOf(res.body).message).toMatch(/^The free trial of this shop ended on .+: the shop is read-only until you choose a plan in Billing\.$/);
    expect(await codeOf(caller.catalog.createCategory({ tenantSlug: shop.slug, name: "Hats" }))).toBe("PRECONDITION_FAILED");
    expect((await tenantRow(shop.id)).name).toBe("Still trying");
    expect(await codeOf(caller.tenants.bySlug({ tenantSlug: shop.slug }))).toBe("OK");
    // The upgrade path stays open.
    const { url } = await caller.subscriptions.startCheckout({ tenantSlug: shop.slug, plan: "starter" });
    expect(url).toContain("/checkout/");
  });

  it("the job suspends ended trials only (storefront offline, logged), and paying for a plan reopens the shop", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    const running = await makeTenant(await makeUser(), "Still on trial");
    await setTrialEnd(shop.id, -0.5);
    await setTrialEnd(running.id, 0.5);
    expect(cronItems().map((i) => i.task)).toContain("tenant:end-trials");

    const ended = await endExpiredTrials();
    expect(ended).toContain(shop.id);
    expect(ended).not.toContain(running.id);
    expect(await endExpiredTrials()).not.toContain(shop.id); // once
    expect(await tenantRow(shop.id)).toMatchObject({ status: "suspended", plan: "trial" });
    expect((await tenantRow(running.id)).status).toBe("active");
    const [log] = await db.select().from(provisioningLogs).where(and(eq(provisioningLogs.tenantId, shop.id), eq(provisioningLogs.cause, "system:trial-ended")));
    expect(log).toMatchObject({ step: "transition", detail: expect.objectContaining({ from: "active", to: "suspended", reason: "trial ended" }) });
    // Storefront rule: an ended trial is offline like any suspended shop.
    expect((await proxy(new NextRequest(`http://localhost/s/${shop.slug}`))).status).toBe(503);

    const caller = callerFor(owner.id);
    const { url } = await caller.subscriptions.startCheckout({ tenantSlug: shop.slug, plan: "starter" });
    expect(await h.clickCheckout(url, "pay")).toBe(303);
    await h.settle();
    const paid = await tenantRow(shop.id);
    expect(paid).toMatchObject({ status: "active", plan: "starter" });
    expect(trialState(paid)).toBeNull();
    expect(await codeOf(caller.tenants.updateSettings({ tenantSlug: shop.slug, name: "Paying now" }))).toBe("OK");
  });
});

describe("opening shops", () => {
  it("needs a verified email before a second shop, of any plan", async () => {
    const owner = await makeUser();
    await makeTenant(owner);
    const res = await callOverHttp(owner.id, "tenants.create", { name: "Second", slug: `shop-${uniqueSuffix()}`, plan: "starter" }, "mutation");
    expect(res.status).toBe(412);
    expect(errorOf(res.body).message).toMatch(/^Verify your email address before opening another shop/);
    await verifyUserEmail(owner.id);
    expect((await callerFor(owner.id).tenants.create({ name: "Second", slug: `shop-${uniqueSuffix()}`, plan: "starter" })).status).toBe("pending");
    expect(await callerFor(owner.id).tenants.listMine()).toHaveLength(2);
  });

  it("caps trial shops per account (TRIAL_SHOPS_PER_USER, 1 by default), ended or deleted ones included", async () => {
    const owner = await makeUser();
    await verifyUserEmail(owner.id);
    const first = await makeTenant(owner);
    const res = await callOverHttp(owner.id, "tenants.create", { name: "Another trial", slug: `shop-${uniqueSuffix()}` }, "mutation");
    expect(res.status).toBe(412);
    expect(errorOf(res.body)).toMatchObject({ message: "You already have a free trial shop: choose a paid plan for this one.", data: { fieldErrors: { plan: [expect.any(String)] } } });
    // Deleting the trial shop does not open a new trial.
    await db.update(tenants).set({ status: "deleted", deletedAt: new Date() }).where(eq(tenants.id, first.id));
    expect(await codeOf(callerFor(owner.id).tenants.create({ name: "Again", slug: `shop-${uniqueSuffix()}` }))).toBe("PRECONDITION_FAILED");
    expect(await callerFor(owner.id).tenants.listMine()).toHaveLength(0);
    // A paid plan is still possible.
    expect(await codeOf(callerFor(owner.id).tenants.create({ name: "Paid", slug: `shop-${uniqueSuffix()}`, plan: "pro" }))).toBe("OK");
  });

  it("cannot be raced: parallel trial sign-ups of one account open one shop", async () => {
    const owner = await makeUser();
    await verifyUserEmail(owner.id);
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => callerFor(owner.id).tenants.create({ name: `Race ${i}`, slug: `race-${i}-${uniqueSuffix()}` })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await callerFor(owner.id).tenants.listMine()).toHaveLength(1);
  });
});
