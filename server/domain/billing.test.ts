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
const { reconcileSubscriptions, suspendPastDueTenants } = await import("@/server/domain/subscriptions");
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
  const { url } = await callerFor(owner.id).subscriptions.startCheckout({ tenantSlug: shop.slug, plan });
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
    const overview = await callerFor(owner.id).subscriptions.overview({ tenantSlug: shop.slug });
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
    await callerFor(owner.id).subscriptions.retryProvisioning({ tenantSlug: shop.slug });
    expect(await provisionTenant(shop.id, "test", steps)).toBe("active");
    expect(firstRuns).toBe(1);
    const firstLogs = await db.select().from(provisioningLogs).where(and(eq(provisioningLogs.tenantId, shop.id), eq(provisioningLogs.step, "first")));
    expect(firstLogs).toHaveLength(1);
    // The queued retry job finds the shop active and leaves it so.
    await runDueJobs();
    expect((await tenantRow(shop.id)).status).toBe("active");
    expect(await codeOf(callerFor(owner.id).subscriptions.retryProvisioning({ tenantSlug: shop.slug }))).toBe("PRECONDITION_FAILED");
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
    expect(await codeOf(caller.subscriptions.portal({ tenantSlug: shop.slug }))).toBe("OK");
    expect(await codeOf(caller.tenants.updateSettings({ tenantSlug: shop.slug, name: "Nope" }))).toBe("PRECONDITION_FAILED");
  });
});

describe("plan changes", () => {
  it("upgrades and downgrades with the new plan applied at once", async () => {
    const { shop, caller } = await activePaidShop("starter");
    await caller.subscriptions.changePlan({ tenantSlug: shop.slug, plan: "museum" });
    expect((await tenantRow(shop.id)).plan).toBe("museum");
    await caller.subscriptions.changePlan({ tenantSlug: shop.slug, plan: "pro" });
    await h.settle();
    expect((await tenantRow(shop.id)).plan).toBe("pro");
    expect(await subscriptionRow(shop.id)).toMatchObject({ plan: "pro", status: "active" });
    expect(await codeOf(caller.subscriptions.changePlan({ tenantSlug: shop.slug, plan: "pro" }))).toBe("CONFLICT");
    expect(await codeOf(caller.subscriptions.startCheckout({ tenantSlug: shop.slug, plan: "museum" }))).toBe("CONFLICT");
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
    // Overage prices are exact sub-cent amounts in minor units: EUR 0.0005 per API call is 0.05 cents,
    // EUR 0.000015 per AI token 0.0015 cents (its meter, souk_ai_tokens, is created on first use).
    expect(await items()).toEqual([
      ["souk_pro_monthly", "licensed", "19900", null],
      ["souk_pro_monthly_overage_ai_tokens", "metered", "0.0015", "souk_ai_tokens"],
      ["souk_pro_monthly_overage_api_calls", "metered", "0.05", "souk_api_calls"],
      ["souk_pro_monthly_overage_storage_gb_months", "metered", "8", "souk_storage_gb_months"],
      ["souk_pro_monthly_overage_storefront_visits", "metered", "0.1", "souk_storefront_visits"],
    ]);
    await caller.subscriptions.changePlan({ tenantSlug: shop.slug, plan: "museum" });
    expect(await items()).toEqual([
      ["souk_museum_monthly", "licensed", "79900", null],
      ["souk_museum_monthly_overage_ai_tokens", "metered", "0.001", "souk_ai_tokens"],
      ["souk_museum_monthly_overage_api_calls", "metered", "0.02", "souk_api_calls"],
      ["souk_museum_monthly_overage_storage_gb_months", "metered", "5", "souk_storage_gb_months"],
      ["souk_museum_monthly_overage_storefront_visits", "metered", "0.05", "souk_storefront_visits"],
    ]);
    expect(await subscriptionRow(shop.id)).toMatchObject({ plan: "museum", status: "active" });
  });

  it("cancels at period end, undoes it, and deletes the shop when the period ends", async () => {
    const { shop, caller } = await activePaidShop("pro");
    await caller.subscriptions.setCancelAtPeriodEnd({ tenantSlug: shop.slug, cancel: true });
    expect(await subscriptionRow(shop.id)).toMatchObject({ cancelAtPeriodEnd: true });
    await caller.subscriptions.setCancelAtPeriodEnd({ tenantSlug: shop.slug, cancel: false });
    expect(await subscriptionRow(shop.id)).toMatchObject({ cancelAtPeriodEnd: false });
    await caller.subscriptions.setCancelAtPeriodEnd({ tenantSlug: shop.slug, cancel: true });
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
    expect(await codeOf(callerFor(owner.id).subscriptions.changePlan({ tenantSlug: shop.slug, plan: "pro" }))).toBe("PRECONDITION_FAILED");
    expect(await codeOf(callerFor(owner.id).subscriptions.portal({ tenantSlug: shop.slug }))).toBe("PRECONDITION_FAILED");
    const res = await callOverHttp(owner.id, "subscriptions.startCheckout", { tenantSlug: shop.slug, plan: "trial" }, "mutation");
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
      () => callerFor(stranger.id).subscriptions.overview({ tenantSlug: shop.slug }),
      () => callerFor(stranger.id).subscriptions.startCheckout({ tenantSlug: shop.slug, plan: "pro" }),
      () => callerFor(stranger.id).subscriptions.invoices({ tenantSlug: shop.slug }),
      () => callerFor(stranger.id).subscriptions.changePlan({ tenantSlug: shop.slug, plan: "pro" }),
      () => callerFor(stranger.id).subscriptions.setCancelAtPeriodEnd({ tenantSlug: shop.slug, cancel: true }),
      () => callerFor(stranger.id).subscriptions.portal({ tenantSlug: shop.slug }),
      () => callerFor(stranger.id).subscriptions.retryProvisioning({ tenantSlug: shop.slug }),
    ]) {
      expect(await codeOf(call())).toBe("NOT_FOUND");
    }
    expect(await codeOf(callerFor(viewer.id).subscriptions.overview({ tenantSlug: shop.slug }))).toBe("OK");
    expect(await codeOf(callerFor(member.id).subscriptions.startCheckout({ tenantSlug: shop.slug, plan: "pro" }))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(member.id).subscriptions.invoices({ tenantSlug: shop.slug }))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(null).subscriptions.overview({ tenantSlug: shop.slug }))).toBe("UNAUTHORIZED");
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
    const overview = await caller.subscriptions.overview({ tenantSlug: shop.slug });
    expect(overview.plan.id).toBe("pro");
    expect(overview.usage.find((u) => u.limit === "teamMembers")).toMatchObject({ used: 1, max: 20 });
    const invoices = await caller.subscriptions.invoices({ tenantSlug: shop.slug });
    expect(invoices[0]).toMatchObject({ status: "paid", amountPaid: 19900, currency: "eur" });
  });
});

describe("one shop, one subscription", () => {
  it("expires the previous open checkout when a new one starts", async () => {
    const owner = await makeUser();
    const shop = await createTenant({ userId: owner.id }, { name: "Two tabs", slug: `shop-${uniqueSuffix()}`, plan: "starter" });
    const caller = callerFor(owner.id);
    const first = await caller.subscriptions.startCheckout({ tenantSlug: shop.slug, plan: "starter" });
    const second = await caller.subscriptions.startCheckout({ tenantSlug: shop.slug, plan: "pro" });
    const stripe = stripeClient();
    const idOf = (url: string) => url.split("/").pop()!;
    expect((await stripe.checkout.sessions.retrieve(idOf(first.url))).status).toBe("expired");
    expect((await stripe.checkout.sessions.retrieve(idOf(second.url))).status).toBe("open");
    // The older tab cannot be paid any more; the newer one can.
    expect(await h.clickCheckout(first.url, "pay")).toBe(409);
    expect(await h.clickCheckout(second.url, "pay")).toBe(303);
    await h.settle();
    expect(await tenantRow(shop.id)).toMatchObject({ plan: "pro" });
    const sub = (await subscriptionRow(shop.id))!;
    expect((await stripe.subscriptions.list({ customer: sub.stripeCustomerId, status: "all" })).data).toHaveLength(1);
  });

  it("cancels, prorated, a second subscription paid for the same shop and keeps the first", async () => {
    const owner = await makeUser();
    const shop = await createTenant({ userId: owner.id }, { name: "Two payments", slug: `shop-${uniqueSuffix()}`, plan: "starter" });
    const caller = callerFor(owner.id);
    const first = await caller.subscriptions.startCheckout({ tenantSlug: shop.slug, plan: "starter" });
    const customer = (await subscriptionRow(shop.id))!.stripeCustomerId;
    // A second session for the same customer that the app did not get to expire (started
    // elsewhere at the same moment): both are paid before any webhook is processed.
    const stripe = stripeClient();
    const prices = await stripe.prices.list({ lookup_keys: ["souk_pro_monthly"], limit: 1 });
    const other = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer,
      client_reference_id: shop.id,
      metadata: { tenant_id: shop.id },
      subscription_data: { metadata: { tenant_id: shop.id } },
      line_items: [{ price: prices.data[0]!.id, quantity: 1 }],
      success_url: "http://localhost/ok",
    });
    expect(await h.clickCheckout(first.url, "pay")).toBe(303);
    h.emu.advanceTime(5);
    expect(await h.clickCheckout(other.url!, "pay")).toBe(303);
    await h.settle();
    await h.settle();

    const subs = (await stripe.subscriptions.list({ customer, status: "all" })).data.sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
    expect(subs.map((s) => s.status).sort()).toEqual(["active", "canceled"]);
    const kept = subs.find((s) => s.status === "active")!;
    const canceled = subs.find((s) => s.status === "canceled")!;
    // The first paid (older) subscription stays; the shop is on its plan and was not deleted.
    expect(kept.metadata.plan).toBe("starter");
    expect(await subscriptionRow(shop.id)).toMatchObject({ stripeSubscriptionId: kept.id, status: "active", plan: "starter" });
    expect(await tenantRow(shop.id)).toMatchObject({ status: "active", plan: "starter" });
    // What was paid for the second one (Pro, EUR 199) is credited to the shop's balance.
    expect((await stripe.customers.retrieve(customer)) as { balance: number }).toMatchObject({ balance: -19900 });
    const logs = await db.select().from(provisioningLogs).where(and(eq(provisioningLogs.tenantId, shop.id), eq(provisioningLogs.step, "duplicate_subscription")));
    expect(logs).toEqual([expect.objectContaining({ status: "succeeded", detail: expect.objectContaining({ kept: kept.id, canceled: canceled.id, creditMinor: 19900 }) })]);
    expect(await db.select().from(auditLog).where(and(eq(auditLog.tenantId, shop.id), eq(auditLog.action, "billing.duplicate_subscription_canceled")))).toHaveLength(1);

    // The credit pays the next invoice of the subscription that stayed (Starter, EUR 49).
    h.emu.advanceTime(32 * DAY);
    await h.settle();
    const [renewal] = (await stripe.invoices.list({ subscription: kept.id, limit: 1 })).data;
    expect(renewal).toMatchObject({ billing_reason: "subscription_cycle", amount_due: 0, starting_balance: -19900, ending_balance: -15000 });
    expect(await tenantRow(shop.id)).toMatchObject({ status: "active", plan: "starter" });
  });

  it("reconcile cancels a second live subscription it finds", async () => {
    const { shop } = await activePaidShop("starter");
    const customer = (await subscriptionRow(shop.id))!.stripeCustomerId;
    const stripe = stripeClient();
    const prices = await stripe.prices.list({ lookup_keys: ["souk_starter_monthly"], limit: 1 });
    const other = await stripe.checkout.sessions.create({ mode: "subscription", customer, line_items: [{ price: prices.data[0]!.id, quantity: 1 }], success_url: "http://localhost/ok" });
    h.emu.dropNextWebhooks(10);
    expect(await h.clickCheckout(other.url!, "pay")).toBe(303);
    await h.emu.waitForWebhooks(5_000);
    expect((await stripe.subscriptions.list({ customer })).data).toHaveLength(2);
    await reconcileSubscriptions();
    expect((await stripe.subscriptions.list({ customer })).data).toHaveLength(1);
    expect(await subscriptionRow(shop.id)).toMatchObject({ status: "active", plan: "starter" });
  });
});
