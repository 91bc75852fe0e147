import { eq, inArray, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/webhooks/stripe/route";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { provisioningLogs, stripeEvents, subscriptions, tenants } from "@/server/db/schema";
import { setCancelAtPeriodEnd, signTestPayload } from "@/server/integrations/stripe";
import { runDueJobs } from "@/server/jobs/run-once";
import { callerFor, makeUser, uniqueSuffix } from "@/test/factories";
import { startStripeHarness, type StripeHarness } from "@/test/stripe-harness";
import { receiveStripeWebhook, replayStripeEvent } from "./stripe-events";
import { reconcileSubscriptions } from "./subscriptions";
import { createTenant } from "./tenants";

const DAY = 86_400;
let h: StripeHarness;

beforeAll(async () => {
  h = await startStripeHarness();
});
afterAll(async () => {
  await h.close();
});

/** A shop created on a paid plan (pending) with an open Checkout session. */
async function pendingShop(plan: "starter" | "pro" | "museum" = "pro") {
  const owner = await makeUser("Owner");
  const shop = await createTenant({ userId: owner.id }, { name: "Paid Shop", slug: `shop-${uniqueSuffix()}`, plan });
  const { url } = await callerFor(owner.id).subscriptions.startCheckout({ tenantSlug: shop.slug, plan });
  return { owner, shop, url };
}

async function activeShop(plan: "starter" | "pro" | "museum" = "pro") {
  const s = await pendingShop(plan);
  expect(await h.clickCheckout(s.url, "pay")).toBe(303);
  await h.settle();
  return s;
}

async function stateOf(tenantId: string) {
  const [t] = await db.select({ status: tenants.status, plan: tenants.plan }).from(tenants).where(eq(tenants.id, tenantId));
  const [s] = await db.select().from(subscriptions).where(eq(subscriptions.tenantId, tenantId));
  return {
    tenant: t?.status,
    plan: t?.plan,
    subscription: s?.status,
    subscriptionPlan: s?.plan,
    cancelAtPeriodEnd: s?.cancelAtPeriodEnd,
    periodEnd: s?.currentPeriodEnd?.toISOString() ?? null,
  };
}

/** Events the emulator created since `after` (exclusive index), as full signed-ready JSON bodies. */
async function eventBodiesSince(count: number) {
  const all = h.emu.events().slice(count);
  return Promise.all(all.map(async (e) => ({ id: e.id, type: e.type, body: await h.eventBody(e.id) })));
}

/** Each queued event-processing job: its entries and attempts (graphile-worker keeps payloads in its private table). */
async function queuedBatches(): Promise<{ eventIds: string[]; attempts: number }[]> {
  const rows = await db.execute<{ payload: { eventId: string }[]; attempts: number }>(sql`
    select j.payload, j.attempts from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = 'stripe:process-events' order by j.id`);
  return rows.map((r) => ({ eventIds: r.payload.map((e) => e.eventId), attempts: r.attempts }));
}

async function subscriptionIdOf(tenantId: string) {
  const [s] = await db.select().from(subscriptions).where(eq(subscriptions.tenantId, tenantId));
  return s!.stripeSubscriptionId!;
}

describe("webhook signatures", () => {
  const event = (id: string) =>
    JSON.stringify({ id, object: "event", type: "customer.subscription.updated", created: Math.floor(Date.now() / 1000), data: { object: { id: "sub_unknown", object: "subscription", customer: "cus_unknown" } } });

  async function stored(id: string) {
    return db.select().from(stripeEvents).where(eq(stripeEvents.id, id));
  }

  it("accepts a valid signature through the route, stores the event and queues one job", async () => {
    const body = event("evt_sig_valid");
    const res = await POST(new Request("http://localhost/api/webhooks/stripe", { method: "POST", body, headers: { "stripe-signature": signTestPayload(body) } }));
    expect(res.status).toBe(200);
    const [row] = await stored("evt_sig_valid");
    expect(row).toMatchObject({ status: "received", attempts: 0, type: "customer.subscription.updated" });
    expect((await queuedBatches()).filter((b) => b.eventIds.includes("evt_sig_valid"))).toEqual([{ eventIds: ["evt_sig_valid"], attempts: 0 }]);
  });

  it.each([
    ["a tampered body", (body: string) => ({ body: body.replace("sub_unknown", "sub_evil"), signature: signTestPayload(body) })],
    ["the wrong secret", (body: string) => ({ body, signature: signTestPayload(body, { secret: "whsec_wrong" }) })],
    ["a stale timestamp", (body: string) => ({ body, signature: signTestPayload(body, { timestamp: Math.floor(Date.now() / 1000) - 3600 }) })],
    ["no signature", (body: string) => ({ body, signature: "" })],
  ])("answers 400 for %s and changes nothing", async (_label, make) => {
    const id = `evt_sig_bad_${uniqueSuffix()}`;
    const { body, signature } = make(event(id));
    const res = await POST(new Request("http://localhost/api/webhooks/stripe", { method: "POST", body, headers: signature ? { "stripe-signature": signature } : {} }));
    expect(res.status).toBe(400);
    expect(await stored(id)).toHaveLength(0);
  });

  it("records an event for an unknown customer as processed and ignored", async () => {
    await runDueJobs();
    const [row] = await stored("evt_sig_valid");
    expect(row).toMatchObject({ status: "processed", attempts: 1, lastError: "no tenant for this customer" });
  });
});

describe("checkout to active", () => {
  it("provisions a shop after Pay, through every step, and reuses the Stripe customer", async () => {
    const { shop, owner, url } = await pendingShop("pro");
    expect(await h.clickCheckout(url, "decline")).toBe(402);
    await h.settle();
    expect(await stateOf(shop.id)).toMatchObject({ tenant: "pending", plan: "trial" });
    // A second attempt reuses the customer created the first time.
    const [before] = await db.select().from(subscriptions).where(eq(subscriptions.tenantId, shop.id));
    const again = await callerFor(owner.id).subscriptions.startCheckout({ tenantSlug: shop.slug, plan: "pro" });
    const [after] = await db.select().from(subscriptions).where(eq(subscriptions.tenantId, shop.id));
    expect(after!.stripeCustomerId).toBe(before!.stripeCustomerId);
    expect(await h.clickCheckout(again.url, "pay")).toBe(303);
    await h.settle();
    expect(await stateOf(shop.id)).toMatchObject({ tenant: "active", plan: "pro", subscription: "active", subscriptionPlan: "pro" });
    const steps = await db.select().from(provisioningLogs).where(eq(provisioningLogs.tenantId, shop.id));
    for (const step of ["welcome_email"]) {
      expect(steps.filter((s) => s.step === step && s.status === "succeeded")).toHaveLength(1);
    }
    const transitions = steps.filter((s) => s.step === "transition").map((s) => s.detail.to);
    expect(transitions).toEqual(["provisioning", "active"]);
    expect(steps.find((s) => s.step === "transition")!.cause).toMatch(/^stripe:evt_/);
  });
});

describe("idempotency and ordering", () => {
  it("applies the same event delivered five times once", async () => {
    const { shop, url } = await pendingShop("starter");
    h.emu.holdWebhooks();
    const mark = h.emu.events().length;
    await h.clickCheckout(url, "pay");
    const completed = (await eventBodiesSince(mark)).find((e) => e.type === "checkout.session.completed")!;
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await h.deliver(completed.body));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    await runDueJobs();
    expect(await db.select().from(stripeEvents).where(eq(stripeEvents.id, completed.id))).toHaveLength(1);
    const transitions = await db.select().from(provisioningLogs).where(eq(provisioningLogs.tenantId, shop.id));
    expect(transitions.filter((t) => t.step === "transition" && t.detail.to === "active")).toHaveLength(1);
    expect(transitions.filter((t) => t.step === "welcome_email")).toHaveLength(1);
    expect(await stateOf(shop.id)).toMatchObject({ tenant: "active", plan: "starter" });
    h.emu.releaseWebhooks();
    await h.settle();
    expect(await stateOf(shop.id)).toMatchObject({ tenant: "active", plan: "starter" });
  });

  it("ends in the right state when subscription.updated arrives before checkout.session.completed", async () => {
    const { shop, url } = await pendingShop("pro");
    h.emu.holdWebhooks();
    const mark = h.emu.events().length;
    await h.clickCheckout(url, "pay");
    const subId = (await eventBodiesSince(mark)).find((e) => e.type === "customer.subscription.created")!.body;
    await setCancelAtPeriodEnd((JSON.parse(subId) as { data: { object: { id: string } } }).data.object.id, true);
    const events = await eventBodiesSince(mark);
    const updated = events.find((e) => e.type === "customer.subscription.updated")!;
    const completed = events.find((e) => e.type === "checkout.session.completed")!;
    const created = events.find((e) => e.type === "customer.subscription.created")!;
    for (const e of [updated, completed, created]) {
      expect(await h.deliver(e.body)).toBe(200);
      await runDueJobs();
    }
    expect(await stateOf(shop.id)).toMatchObject({ tenant: "active", plan: "pro", subscription: "active", cancelAtPeriodEnd: true });
    h.emu.releaseWebhooks({ order: "shuffle", duplicate: true });
    await h.settle();
    expect(await stateOf(shop.id)).toMatchObject({ tenant: "active", plan: "pro", subscription: "active", cancelAtPeriodEnd: true });
  });

  it("keeps a deleted subscription deleted when an older subscription.updated arrives after it", async () => {
    const { shop } = await activeShop("pro");
    h.emu.holdWebhooks();
    const mark = h.emu.events().length;
    await setCancelAtPeriodEnd(await subscriptionIdOf(shop.id), true);
    h.emu.advanceTime(32 * DAY);
    const events = await eventBodiesSince(mark);
    const deleted = events.find((e) => e.type === "customer.subscription.deleted")!;
    const updated = events.find((e) => e.type === "customer.subscription.updated")!;
    await h.deliver(deleted.body);
    await runDueJobs();
    await h.deliver(updated.body);
    await runDueJobs();
    expect(await stateOf(shop.id)).toMatchObject({ tenant: "deleted", subscription: "canceled" });
    h.emu.releaseWebhooks();
    await h.settle();
    expect(await stateOf(shop.id)).toMatchObject({ tenant: "deleted", subscription: "canceled" });
  });
});

describe("bursts", () => {
  it("covers pending events of the same subscription with one Stripe read", async () => {
    const { shop, url } = await pendingShop("pro");
    h.emu.holdWebhooks();
    const mark = h.emu.events().length;
    await h.clickCheckout(url, "pay");
    const events = await eventBodiesSince(mark);
    for (const e of events) expect(await h.deliver(e.body)).toBe(200);
    await runDueJobs();
    const rows = await db.select().from(stripeEvents).where(inArray(stripeEvents.id, events.map((e) => e.id)));
    expect(rows.every((r) => r.status === "processed")).toBe(true);
    expect(rows.filter((r) => r.lastError?.startsWith("covered by ")).length).toBeGreaterThan(0);
    expect(await stateOf(shop.id)).toMatchObject({ tenant: "active", plan: "pro" });
    h.emu.releaseWebhooks();
    await h.settle();
  });

  /** A shop with a live subscription, and signed-ready bodies of customer.subscription.updated events about it. */
  async function subscribedShop() {
    const { shop } = await activeShop("pro");
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.tenantId, shop.id));
    const body = (id: string, subscription = sub!.stripeSubscriptionId!) =>
      JSON.stringify({ id, object: "event", type: "customer.subscription.updated", created: 3, data: { object: { id: subscription, object: "subscription", customer: sub!.stripeCustomerId } } });
    return { shop, body };
  }

  it("waits STRIPE_EVENT_DELAY_MS before processing, then covers the burst with one read", async () => {
    const { shop, body } = await subscribedShop();
    const ids = ["evt_delay_1", "evt_delay_2", "evt_delay_3"];
    const configured = env.STRIPE_EVENT_DELAY_MS;
    env.STRIPE_EVENT_DELAY_MS = 60_000;
    try {
      for (const id of ids) expect(await h.deliver(body(id))).toBe(200);
    } finally {
      env.STRIPE_EVENT_DELAY_MS = configured;
    }
    const theirs = sql`payload::jsonb <@ ${JSON.stringify(ids.map((eventId) => ({ eventId })))}::jsonb`;
    const waits = await db.execute<{ seconds: number }>(sql`select extract(epoch from run_at - now())::float as seconds from graphile_worker._private_jobs where ${theirs}`);
    expect(waits).toHaveLength(3);
    for (const { seconds } of waits) expect(seconds).toBeGreaterThan(50);
    await runDueJobs();
    const statuses = async () => (await db.select().from(stripeEvents).where(inArray(stripeEvents.id, ids)).orderBy(stripeEvents.id)).map((r) => [r.status, r.lastError]);
    expect(await statuses()).toEqual(ids.map(() => ["received", null]));

    await db.execute(sql`update graphile_worker._private_jobs set run_at = now() where ${theirs}`); // The minute has passed.
    await runDueJobs();
    expect(await statuses()).toEqual([["processed", null], ["processed", "covered by evt_delay_1"], ["processed", "covered by evt_delay_1"]]);
    expect(await stateOf(shop.id)).toMatchObject({ tenant: "active", subscription: "active" });
  });

  it("queues one job per intake batch and retries only the events of it that failed", async () => {
    const { shop, body } = await subscribedShop();
    const batch = ["evt_batch_ok_1", "evt_batch_gone", "evt_batch_ok_2"];
    const bodies = [body("evt_batch_ok_1"), body("evt_batch_gone", "sub_gone"), body("evt_batch_ok_2")];
    // The lead delivery is written alone; the three that arrive meanwhile share the next transaction.
    const lead = JSON.stringify({ id: "evt_batch_lead", object: "event", type: "invoice.paid", created: 3, data: { object: { id: "in_lead", customer: "cus_none" } } });
    expect(await Promise.all([lead, ...bodies].map((b) => h.deliver(b)))).toEqual([200, 200, 200, 200]);
    expect(await queuedBatches()).toContainEqual({ eventIds: batch, attempts: 0 });

    await runDueJobs();
    const rows = await db.select().from(stripeEvents).where(inArray(stripeEvents.id, batch));
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId.evt_batch_ok_1).toMatchObject({ status: "processed", resolvedTenantId: shop.id });
    expect(byId.evt_batch_ok_2).toMatchObject({ status: "processed", lastError: expect.stringMatching(/^covered by evt_batch_ok_1$/) });
    expect(byId.evt_batch_gone).toMatchObject({ status: "failed", attempts: 1, lastError: "Stripe does not know subscription sub_gone" });
    // graphile-worker re-queued the failed entry alone, with its backoff; the others are done.
    expect(await queuedBatches()).toEqual([{ eventIds: ["evt_batch_gone"], attempts: 1 }]);
    expect(await stateOf(shop.id)).toMatchObject({ tenant: "active", subscription: "active" });
    await db.execute(sql`delete from graphile_worker._private_jobs where payload::jsonb @> '[{"eventId":"evt_batch_gone"}]'`);
  });
});

describe("reconcile", () => {
  it("repairs a failed renewal whose webhooks were dropped", async () => {
    const { shop } = await activeShop("starter");
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.tenantId, shop.id));
    h.emu.failPayments(sub!.stripeCustomerId, true);
    h.emu.dropNextWebhooks(1000);
    h.emu.advanceTime(32 * DAY);
    await h.settle();
    h.emu.dropNextWebhooks(0);
    // Nothing arrived: the app still believes the subscription is active.
    expect(await stateOf(shop.id)).toMatchObject({ tenant: "active", subscription: "active" });
    const report = await reconcileSubscriptions();
    expect(report.errors).toEqual([]);
    const repaired = report.repaired.find((r) => r.tenantId === shop.id);
    expect(repaired?.changes).toEqual(expect.arrayContaining([expect.objectContaining({ field: "status", from: "active", to: "past_due" })]));
    expect(await stateOf(shop.id)).toMatchObject({ tenant: "active", subscription: "past_due" });
    const logs = await db.select().from(provisioningLogs).where(eq(provisioningLogs.tenantId, shop.id));
    expect(logs.some((l) => l.step === "reconcile" && l.cause === "reconcile")).toBe(true);
    // A second run finds nothing left to repair for this shop.
    const again = await reconcileSubscriptions();
    expect(again.repaired.find((r) => r.tenantId === shop.id)).toBeUndefined();
  });
});

describe("out-of-order delivery (property)", () => {
  it("reaches the in-order final state for any permutation with duplicates", async () => {
    // 1. Realistic histories for several shops, recorded with webhooks held.
    h.emu.holdWebhooks();
    const mark = h.emu.events().length;
    const shops: { id: string; customer: string }[] = [];
    const scripts = ["plain", "cancel", "fail", "fail-then-pay", "upgrade", "cancel-undo"] as const;
    for (const script of scripts) {
      const { shop, url } = await pendingShop(script === "upgrade" ? "starter" : "pro");
      await h.clickCheckout(url, "pay");
      const [row] = await db.select().from(subscriptions).where(eq(subscriptions.tenantId, shop.id));
      shops.push({ id: shop.id, customer: row!.stripeCustomerId });
      const subId = (await eventBodiesSince(mark)).map((e) => JSON.parse(e.body) as { type: string; data: { object: { id: string; customer: string } } })
        .find((e) => e.type === "customer.subscription.created" && e.data.object.customer === row!.stripeCustomerId)!.data.object.id;
      if (script === "cancel" || script === "cancel-undo") await setCancelAtPeriodEnd(subId, true);
      if (script === "cancel-undo") await setCancelAtPeriodEnd(subId, false);
      if (script === "fail" || script === "fail-then-pay") h.emu.failPayments(row!.stripeCustomerId, true);
      if (script === "upgrade") {
        const { changeSubscriptionPlan, resolvePriceId } = await import("@/server/integrations/stripe");
        const priceId = await resolvePriceId({ planId: "museum", name: "Museum", lookupKey: "souk_museum_monthly", monthlyAmountMinor: 79900, currency: "EUR" });
        await changeSubscriptionPlan(subId, { priceId, meteredPriceIds: [], plan: "museum" });
      }
    }
    h.emu.advanceTime(32 * DAY);
    h.emu.payOpenInvoices(shops[3]!.customer);
    const events = await eventBodiesSince(mark);
    expect(events.length).toBeGreaterThan(25);
    const ids = shops.map((s) => s.id);

    // 2. Reset the app's view of these shops to "checkout started", then deliver.
    async function reset() {
      await db.delete(stripeEvents).where(inArray(stripeEvents.id, events.map((e) => e.id)));
      await db.execute(sql`delete from graphile_worker._private_jobs`);
      await db.delete(provisioningLogs).where(inArray(provisioningLogs.tenantId, ids));
      await db
        .update(subscriptions)
        .set({ status: "none", stripeSubscriptionId: null, stripePriceId: null, plan: null, currentPeriodEnd: null, cancelAtPeriodEnd: false, pastDueSince: null, lastEventCreated: 0 })
        .where(inArray(subscriptions.tenantId, ids));
      await db.update(tenants).set({ status: "pending", plan: "trial", deletedAt: null }).where(inArray(tenants.id, ids));
    }
    async function deliverAll(order: number[], batches: number[]) {
      let i = 0;
      for (const size of batches) {
        for (const idx of order.slice(i, i + size)) expect(await h.deliver(events[idx]!.body)).toBe(200);
        i += size;
        await runDueJobs();
      }
      for (const idx of order.slice(i)) await h.deliver(events[idx]!.body);
      await runDueJobs();
      return Promise.all(ids.map(stateOf));
    }

    await reset();
    const inOrder = await deliverAll(events.map((_, i) => i), [events.length]);
    expect(new Set(inOrder.map((s) => s.tenant))).toEqual(new Set(["active", "deleted"]));
    expect(inOrder.map((s) => s.subscription)).toEqual(["active", "canceled", "past_due", "active", "active", "active"]);
    expect(inOrder[4]!.plan).toBe("museum");

    const n = events.length;
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
        fc.array(fc.nat({ max: n - 1 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 }),
        async (perm, dups, batches) => {
          await reset();
          const order = [...perm];
          for (const d of dups) order.splice(d % (order.length + 1), 0, perm[d]!);
          expect(await deliverAll(order, batches)).toEqual(inOrder);
        },
      ),
      { numRuns: 12 },
    );
    h.emu.releaseWebhooks();
    await h.emu.waitForWebhooks(10_000);
  }, 180_000);
});

describe("intake is fast and never processes inline", () => {
  it("stores a valid event without touching the tenant", async () => {
    const body = JSON.stringify({ id: "evt_inline", object: "event", type: "invoice.paid", created: 1, data: { object: { id: "in_1", customer: "cus_none" } } });
    const result = await receiveStripeWebhook(body, signTestPayload(body));
    expect(result).toEqual({ status: 200, body: { received: true } });
    expect((await receiveStripeWebhook(body, signTestPayload(body))).body).toEqual({ received: true, duplicate: true });
  });

  it("answers concurrent deliveries together: one new event, duplicates, and a bad payload each get their own answer", async () => {
    const body = (id: string) => JSON.stringify({ id, object: "event", type: "invoice.paid", created: 2, data: { object: { id: `in_${id}`, customer: "cus_none" } } });
    const fresh = ["evt_group_1", "evt_group_2", "evt_group_3"].map(body);
    // A NUL escape is valid JSON but not valid jsonb: that event fails alone, the rest of its batch is stored.
    const poisoned = JSON.stringify({ id: "evt_group_bad", object: "event", type: "invoice.paid", created: 2, data: { object: { note: "\u0000" } } });
    const deliveries = [fresh[0]!, fresh[0]!, fresh[1]!, poisoned, fresh[2]!, fresh[0]!];
    const results = await Promise.allSettled(deliveries.map((b) => receiveStripeWebhook(b, signTestPayload(b))));
    const bodies = results.map((r) => (r.status === "fulfilled" ? r.value.body : "failed"));
    expect(bodies.filter((b) => typeof b === "object" && !b.duplicate)).toHaveLength(3);
    expect(bodies.filter((b) => typeof b === "object" && b.duplicate)).toHaveLength(2);
    expect(bodies[3]).toBe("failed");
    const stored = await db.select({ id: stripeEvents.id }).from(stripeEvents).where(sql`${stripeEvents.id} like 'evt_group_%'`);
    expect(stored.map((r) => r.id).sort()).toEqual(["evt_group_1", "evt_group_2", "evt_group_3"]);
    const queued = (await queuedBatches()).flatMap((b) => b.eventIds).filter((id) => id.startsWith("evt_group_"));
    expect(queued.sort()).toEqual(["evt_group_1", "evt_group_2", "evt_group_3"]);
  });

  it("replays a stored event from the log, and says so when there is none", async () => {
    await runDueJobs();
    expect(await replayStripeEvent("evt_inline")).toBe(true);
    const [queued] = await db.select().from(stripeEvents).where(eq(stripeEvents.id, "evt_inline"));
    expect(queued).toMatchObject({ status: "received", processedAt: null });
    await runDueJobs();
    const [row] = await db.select().from(stripeEvents).where(eq(stripeEvents.id, "evt_inline"));
    expect(row).toMatchObject({ status: "processed", attempts: 2 });
    expect(await replayStripeEvent("evt_missing")).toBe(false);
  });
});
