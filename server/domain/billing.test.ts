import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf } from "@/test/trpc";
import type { StripeHarness } from "@/test/stripe-harness";
import { startTestS3 } from "@/test/s3";

// The purge deletes stored objects: s3rver must run (and be configured) before server/env
// is first imported, so the app modules below are imported after it starts.
const s3 = await startTestS3();
const { db } = await import("@/server/db/client");
const { auditLog, capturedMails, provisioningLogs, subscriptions, tenants } = await import("@/server/db/schema");
const { withTenant } = await import("@/server/db/tenancy");
const { stripeClient } = await import("@/server/integrations/stripe");
const { purgeDeletedTenants } = await import("@/server/jobs/billing");
const { cronItems } = await import("@/server/jobs/index");
const { runDueJobs } = await import("@/server/jobs/run-once");
const { addMember, callerFor, makeTenant, makeUser, uniqueSuffix } = await import("@/test/factories");
const { callOverHttp, errorOf } = await import("@/test/http");
const { startStripeHarness } = await import("@/test/stripe-harness");
const { defaultProvisioningSteps, provisionTenant } = await import("@/server/domain/lifecycle");
const { assertCanAddTeamMember, assertWithinPlanLimit } = await import("@/server/domain/plans");
const { suspendPastDueTenants } = await import("@/server/domain/subscriptions");
const { createTenant } = await import("@/server/domain/tenants");

const DAY = 86_400;
let h: StripeHarness;

beforeAll(async () => {
  h = await startStripeHarness();
});
afterAll(async () => {
  await h.close();
  await s3.stop();
});

async function tenantRow(id: string) {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  return row!;
}

async function subscriptionRow(id: string) {
  const [row] = await db.select().from(subscriptions).where(eq(subscriptions.tenantId, id));
  return row;
}

async function activePaidShop(plan: "starter" | "pro" | "museum" = "pro") {
  const owner = await makeUser("Owner");
  const shop = await createTenant({ userId: owner.id }, { name: "Paid", slug: `shop-${uniqueSuffix()}`, plan });
  const { url } = await callerFor(owner.id).billing.startCheckout({ tenantSlug: shop.slug, plan });
  expect(await h.clickCheckout(url, "pay")).toBe(303);
  await h.settle();
  return { owner, shop, caller: callerFor(owner.id) };
}

describe("jobs", () => {
  it("schedules the billing crons in a crontab the worker accepts", () => {
    const items = cronItems();
    expect(items.map((i) => i.task)).toEqual(expect.arrayContaining(["billing:suspend-past-due", "billing:reconcile", "tenant:purge-deleted"]));
  });
});

describe("sign-up flow", () => {
  it("provisions a free-trial shop at once, logging each step", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    expect(shop).toMatchObject({ status: "active", plan: "trial" });
    const logs = await db.select().from(provisioningLogs).where(eq(provisioningLogs.tenantId, shop.id));
    expect(logs.map((l) => `${l.step}:${l.status}`)).toEqual([
      "transition:succeeded",
      "welcome_email:succeeded",
      "transition:succeeded",
    ]);
    await runDueJobs();
    const mails = await db.select().from(capturedMails).where(eq(capturedMails.to, owner.email));
    expect(mails.some((m) => m.subject.startsWith("Welcome to Souk"))).toBe(true);
  });

  it("keeps a paid-plan shop pending until its checkout is paid", async () => {
    const owner = await makeUser();
    const shop = await createTenant({ userId: owner.id }, { name: "Later", slug: `shop-${uniqueSuffix()}`, plan: "museum" });
    expect(shop.status).toBe("pending");
    const overview = await callerFor(owner.id).billing.overview({ tenantSlug: shop.slug });
    expect(overview).toMatchObject({ tenant: { status: "pending", plan: "trial" }, subscription: null });
  });
});

describe("provisioning failure and retry", () => {
  it("logs the failing step, marks the shop failed, and resumes without repeating finished steps", async () => {
    const owner = await makeUser();
    const shop = await createTenant({ userId: owner.id }, { name: "Fragile", slug: `shop-${uniqueSuffix()}`, plan: "pro" });
    let firstRuns = 0;
    let storageDown = true;
    const steps = [
      { name: "first", run: async () => void firstRuns++ },
      { name: "storage", run: async () => (storageDown ? Promise.reject(new Error("storage is down")) : undefined) },
      ...defaultProvisioningSteps,
    ];
    expect(await provisionTenant(shop.id, "test", steps)).toBe("failed");
    storageDown = false;
    const failed = await db.select().from(provisioningLogs).where(and(eq(provisioningLogs.tenantId, shop.id), eq(provisioningLogs.status, "failed")));
    expect(failed).toEqual([expect.objectContaining({ step: "storage", error: "storage is down" })]);
    expect((await tenantRow(shop.id)).status).toBe("failed");

    // Resumed (as the retry job does, here with the same steps): finished steps are not repeated.
    await callerFor(owner.id).billing.retryProvisioning({ tenantSlug: shop.slug });
    expect(await provisionTenant(shop.id, "test", steps)).toBe("active");
    expect(firstRuns).toBe(1);
    const firstLogs = await db.select().from(provisioningLogs).where(and(eq(provisioningLogs.tenantId, shop.id), eq(provisioningLogs.step, "first")));
    expect(firstLogs).toHaveLength(1);
    // The queued retry job finds the shop active and leaves it so.
    await runDueJobs();
    expect((await tenantRow(shop.id)).status).toBe("active");
    expect(await codeOf(callerFor(owner.id).billing.retryProvisioning({ tenantSlug: shop.slug }))).toBe("PRECONDITION_FAILED");
  });
});

describe("payment trouble", () => {
  it("past due keeps the shop active, suspends after the grace period, and payment brings it back", async () => {
    const { shop } = await activePaidShop("starter");
    const sub = (await subscriptionRow(shop.id))!;
    h.emu.failPayments(sub.stripeCustomerId, true);
    h.emu.advanceTime(32 * DAY);
    await h.settle();
    expect(await subscriptionRow(shop.id)).toMatchObject({ status: "past_due" });
    expect((await tenantRow(shop.id)).status).toBe("active");
    expect(await suspendPastDueTenants(new Date())).not.toContain(shop.id);
    // Past the configured grace period (default 72 h):
    expect(await suspendPastDueTenants(new Date(Date.now() + 73 * 3_600_000))).toContain(shop.id);
    expect((await tenantRow(shop.id)).status).toBe("suspended");
    h.emu.failPayments(sub.stripeCustomerId, false);
    h.emu.payOpenInvoices(sub.stripeCustomerId);
    await h.settle();
    expect((await tenantRow(shop.id)).status).toBe("active");
    expect(await subscriptionRow(shop.id)).toMatchObject({ status: "active", pastDueSince: null });
    const transitions = await db.select().from(provisioningLogs).where(and(eq(provisioningLogs.tenantId, shop.id), eq(provisioningLogs.step, "transition")));
    expect(transitions.map((t) => [t.detail.to, t.cause.split(":")[0]])).toEqual([
      ["provisioning", "stripe"],
      ["active", "stripe"],
      ["suspended", "system"],
      ["active", "stripe"],
    ]);
    const audit = await db.select().from(auditLog).where(and(eq(auditLog.tenantId, shop.id), eq(auditLog.action, "tenant.status_changed")));
    expect(audit).toHaveLength(4);
  });

  it("a suspended shop may still open billing (pay) but not change other things", async () => {
    const { shop, caller } = await activePaidShop("starter");
    await db.update(tenants).set({ status: "suspended" }).where(eq(tenants.id, shop.id));
    expect(await codeOf(caller.billing.portal({ tenantSlug: shop.slug }))).toBe("OK");
    expect(await codeOf(caller.tenants.updateSettings({ tenantSlug: shop.slug, name: "Nope" }))).toBe("PRECONDITION_FAILED");
  });
});

describe("plan changes", () => {
  it("upgrades and downgrades with the new plan applied at once", async () => {
    const { shop, caller } = await activePaidShop("starter");
    await caller.billing.changePlan({ tenantSlug: shop.slug, plan: "museum" });
    expect((await tenantRow(shop.id)).plan).toBe("museum");
    await caller.billing.changePlan({ tenantSlug: shop.slug, plan: "pro" });
    await h.settle();
    expect((await tenantRow(shop.id)).plan).toBe("pro");
    expect(await subscriptionRow(shop.id)).toMatchObject({ plan: "pro", status: "active" });
    expect(await codeOf(caller.billing.changePlan({ tenantSlug: shop.slug, plan: "pro" }))).toBe("CONFLICT");
    expect(await codeOf(caller.billing.startCheckout({ tenantSlug: shop.slug, plan: "museum" }))).toBe("CONFLICT");
  });

  it("subscribes to the plan's price and its metered overage prices, and swaps both on a plan change", async () => {
    const { shop, caller } = await activePaidShop("pro");
    const stripe = stripeClient();
    const meters = new Map((await stripe.billing.meters.list({ limit: 100 })).data.map((m) => [m.id, m.event_name]));
    async function items() {
      const sub = await stripe.subscriptions.retrieve((await subscriptionRow(shop.id))!.stripeSubscriptionId!);
      return sub.items.data
        .map((i) => [i.price.lookup_key, i.price.recurring?.usage_type, String(i.price.unit_amount_decimal), meters.get(i.price.recurring?.meter ?? "") ?? null])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    }
    // Overage prices are exact sub-cent amounts in minor units: EUR 0.0005 per API call is 0.05 cents.
    expect(await items()).toEqual([
      ["souk_pro_monthly", "licensed", "19900", null],
      ["souk_pro_monthly_overage_api_calls", "metered", "0.05", "souk_api_calls"],
      ["souk_pro_monthly_overage_storage_gb_months", "metered", "8", "souk_storage_gb_months"],
      ["souk_pro_monthly_overage_storefront_visits", "metered", "0.1", "souk_storefront_visits"],
    ]);
    await caller.billing.changePlan({ tenantSlug: shop.slug, plan: "museum" });
    expect(await items()).toEqual([
      ["souk_museum_monthly", "licensed", "79900", null],
      ["souk_museum_monthly_overage_api_calls", "metered", "0.02", "souk_api_calls"],
      ["souk_museum_monthly_overage_storage_gb_months", "metered", "5", "souk_storage_gb_months"],
      ["souk_museum_monthly_overage_storefront_visits", "metered", "0.05", "souk_storefront_visits"],
    ]);
    expect(await subscriptionRow(shop.id)).toMatchObject({ plan: "museum", status: "active" });
  });

  it("cancels at period end, undoes it, and deletes the shop when the period ends", async () => {
    const { shop, caller } = await activePaidShop("pro");
    await caller.billing.setCancelAtPeriodEnd({ tenantSlug: shop.slug, cancel: true });
    expect(await subscriptionRow(shop.id)).toMatchObject({ cancelAtPeriodEnd: true });
    await caller.billing.setCancelAtPeriodEnd({ tenantSlug: shop.slug, cancel: false });
    expect(await subscriptionRow(shop.id)).toMatchObject({ cancelAtPeriodEnd: false });
    await caller.billing.setCancelAtPeriodEnd({ tenantSlug: shop.slug, cancel: true });
    await h.settle();
    h.emu.advanceTime(32 * DAY);
    await h.settle();
    const row = await tenantRow(shop.id);
    expect(row.status).toBe("deleted");
    expect(row.deletedAt).toBeInstanceOf(Date);
    // Kept for the retention period, then purged (the audit trail stays).
    expect(await purgeDeletedTenants(new Date())).not.toContain(shop.id);
    expect(await purgeDeletedTenants(new Date(Date.now() + 31 * DAY * 1000))).toContain(shop.id);
    expect(await db.select().from(tenants).where(eq(tenants.id, shop.id))).toHaveLength(0);
    expect(await db.select().from(auditLog).where(and(eq(auditLog.tenantId, shop.id), eq(auditLog.action, "tenant.purged")))).toHaveLength(1);
  });

  it("refuses plan changes without a subscription, and bad plans", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    expect(await codeOf(callerFor(owner.id).billing.changePlan({ tenantSlug: shop.slug, plan: "pro" }))).toBe("PRECONDITION_FAILED");
    expect(await codeOf(callerFor(owner.id).billing.portal({ tenantSlug: shop.slug }))).toBe("PRECONDITION_FAILED");
    const res = await callOverHttp(owner.id, "billing.startCheckout", { tenantSlug: shop.slug, plan: "trial" }, "mutation");
    expect(res.status).toBe(400);
    expect(errorOf(res.body).data.fieldErrors).toHaveProperty("plan");
    expect(await subscriptionRow(shop.id)).toBeUndefined();
  });
});

describe("who may do what", () => {
  it("denies another shop's owner and lower roles", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    const stranger = await makeUser();
    await makeTenant(stranger);
    const member = await makeUser();
    await addMember(shop.id, member.id, "member");
    const viewer = await makeUser();
    await addMember(shop.id, viewer.id, "viewer");
    for (const call of [
      () => callerFor(stranger.id).billing.overview({ tenantSlug: shop.slug }),
      () => callerFor(stranger.id).billing.startCheckout({ tenantSlug: shop.slug, plan: "pro" }),
      () => callerFor(stranger.id).billing.invoices({ tenantSlug: shop.slug }),
      () => callerFor(stranger.id).billing.changePlan({ tenantSlug: shop.slug, plan: "pro" }),
      () => callerFor(stranger.id).billing.setCancelAtPeriodEnd({ tenantSlug: shop.slug, cancel: true }),
      () => callerFor(stranger.id).billing.portal({ tenantSlug: shop.slug }),
      () => callerFor(stranger.id).billing.retryProvisioning({ tenantSlug: shop.slug }),
    ]) {
      expect(await codeOf(call())).toBe("NOT_FOUND");
    }
    expect(await codeOf(callerFor(viewer.id).billing.overview({ tenantSlug: shop.slug }))).toBe("OK");
    expect(await codeOf(callerFor(member.id).billing.startCheckout({ tenantSlug: shop.slug, plan: "pro" }))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(member.id).billing.invoices({ tenantSlug: shop.slug }))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(null).billing.overview({ tenantSlug: shop.slug }))).toBe("UNAUTHORIZED");
    expect(await subscriptionRow(shop.id)).toBeUndefined();
  });

  it("the tenant role cannot write its own subscription or lifecycle log", async () => {
    const { shop } = await activePaidShop("starter");
    await expect(withTenant(shop.id, (tx) => tx.update(subscriptions).set({ status: "active", plan: "museum" }).where(eq(subscriptions.tenantId, shop.id)))).rejects.toThrow();
    await expect(withTenant(shop.id, (tx) => tx.insert(provisioningLogs).values({ tenantId: shop.id, step: "x", status: "succeeded", cause: "me" }))).rejects.toThrow();
  });
});

describe("plan limits", () => {
  it("passes within the limit and names an upgrade past it", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    await withTenant(shop.id, async (tx) => {
      await assertWithinPlanLimit({ tx, tenantId: shop.id }, "teamMembers", 1);
      await expect(assertWithinPlanLimit({ tx, tenantId: shop.id }, "teamMembers", 2)).rejects.toMatchObject({ code: "limit_reached", message: expect.stringMatching(/Free trial plan allows 2 team members\. Upgrade to Starter/) });
      await expect(assertWithinPlanLimit({ tx, tenantId: shop.id }, "products", 400)).rejects.toMatchObject({ message: expect.stringContaining("Upgrade to Starter") });
      await expect(assertWithinPlanLimit({ tx, tenantId: shop.id }, "products", 100_000)).rejects.toMatchObject({ message: expect.stringContaining("Contact us") });
    });
  });

  it("counts team members, owner included, against the plan", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    await withTenant(shop.id, (tx) => assertCanAddTeamMember({ tx, tenantId: shop.id }));
    await addMember(shop.id, (await makeUser()).id, "member");
    await expect(withTenant(shop.id, (tx) => assertCanAddTeamMember({ tx, tenantId: shop.id }))).rejects.toMatchObject({ code: "limit_reached" });
  });

  it("shows usage against the plan's limits", async () => {
    const { shop, caller } = await activePaidShop("pro");
    const overview = await caller.billing.overview({ tenantSlug: shop.slug });
    expect(overview.plan.id).toBe("pro");
    expect(overview.usage.find((u) => u.limit === "teamMembers")).toMatchObject({ used: 1, max: 20 });
    const invoices = await caller.billing.invoices({ tenantSlug: shop.slug });
    expect(invoices[0]).toMatchObject({ status: "paid", amountPaid: 19900, currency: "eur" });
  });
});
