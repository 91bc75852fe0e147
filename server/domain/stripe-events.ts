import { eq, sql } from "drizzle-orm";
import { stripeEvents, subscriptions, tenants } from "@/server/db/schema";
import { groupCommit } from "@/server/db/group-commit";
import { withSystem, type Tx } from "@/server/db/tenancy";
import { retrieveCheckoutSession, retrieveSubscription, verifyWebhook, WebhookSignatureError, type StripeEventEnvelope } from "@/server/integrations/stripe";
import { enqueueJobs } from "@/server/jobs/queue";
import { logger } from "@/server/logger";
import { applySubscriptionSnapshot, lockTenantBilling } from "./subscriptions";

export const handledEventTypes = new Set([
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
  "invoice.payment_succeeded",
  "invoice.payment_failed",
]);

export type ReceiveResult = { status: 200 | 400; body: { received: boolean; duplicate?: boolean; error?: string } };

/**
 * Webhook intake: verify the signature against the raw body, then store the
 * event and queue its processing in one transaction before answering. The event
 * id is the key: a duplicate delivery inserts nothing and queues nothing, and is
 * still answered 200 so Stripe stops retrying it. No processing happens here.
 * Concurrent deliveries share that transaction (group commit), which is what
 * lets intake keep up with bursts.
 */
export async function receiveStripeWebhook(rawBody: string, signature: string | null): Promise<ReceiveResult> {
  let event: StripeEventEnvelope;
  try {
    event = verifyWebhook(rawBody, signature);
  } catch (error) {
    const reason = error instanceof WebhookSignatureError ? error.message : "Malformed payload";
    logger.warn({ reason, bytes: rawBody.length }, "stripe webhook rejected");
    return { status: 400, body: { received: false, error: "Invalid signature" } };
  }
  const inserted = await storeEvent(event);
  return { status: 200, body: inserted ? { received: true } : { received: true, duplicate: true } };
}

/** Stores a batch of verified events and queues a job for each new one; true where an event was new. */
async function storeEvents(events: StripeEventEnvelope[]): Promise<boolean[]> {
  const { processStripeEventJob } = await import("@/server/jobs/billing");
  // The same event twice in one batch: only its first copy can be the new one.
  const firstIndex = new Map<string, number>();
  events.forEach((e, i) => firstIndex.has(e.id) || firstIndex.set(e.id, i));
  const unique = [...firstIndex.values()].map((i) => events[i]!);
  const stored = await withSystem("stripe-webhook", async (tx) => {
    const rows = await tx
      .insert(stripeEvents)
      // The raw body is the payload: PostgreSQL parses it once; no re-serialising here.
      .values(unique.map((e) => ({ id: e.id, type: e.type, created: e.created, payload: sql`${e.rawBody}::jsonb` })))
      .onConflictDoNothing({ target: stripeEvents.id })
      .returning({ id: stripeEvents.id });
    await enqueueJobs(
      tx,
      processStripeEventJob,
      rows.map((r) => ({ payload: { eventId: r.id }, jobKey: `stripe-event:${r.id}` })),
    );
    return new Set(rows.map((r) => r.id));
  });
  return events.map((e, i) => stored.has(e.id) && firstIndex.get(e.id) === i);
}

const storeEvent = groupCommit(storeEvents);

const str = (v: unknown) => (typeof v === "string" ? v : null);
const rec = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {});

/** Subscription, customer and tenant named by an event's object (ids may be expanded objects). */
function refsOf(type: string, object: Record<string, unknown>) {
  const id = (v: unknown) => str(v) ?? str(rec(v).id);
  if (type.startsWith("checkout.session.")) {
    return { sessionId: str(object.id), subscriptionId: id(object.subscription), customerId: id(object.customer), tenantId: str(object.client_reference_id) ?? str(rec(object.metadata).tenant_id) };
  }
  if (type.startsWith("customer.subscription.")) {
    return { sessionId: null, subscriptionId: str(object.id), customerId: id(object.customer), tenantId: str(rec(object.metadata).tenant_id) };
  }
  if (type.startsWith("invoice.")) {
    const details = rec(rec(object.parent).subscription_details);
    return { sessionId: null, subscriptionId: id(object.subscription) ?? id(details.subscription), customerId: id(object.customer), tenantId: str(rec(details.metadata).tenant_id) };
  }
  return { sessionId: null, subscriptionId: null, customerId: id(object.customer), tenantId: null };
}

async function tenantFor(tx: Tx, hint: string | null, customerId: string | null): Promise<string | null> {
  if (customerId) {
    const [row] = await tx.select({ tenantId: subscriptions.tenantId }).from(subscriptions).where(eq(subscriptions.stripeCustomerId, customerId));
    if (row) return row.tenantId;
  }
  if (hint && /^[0-9a-f-]{36}$/i.test(hint)) {
    const [row] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, hint));
    if (row) return row.id;
  }
  return null;
}

export type ProcessOutcome = "processed" | "already-processed" | "ignored" | "missing";

/**
 * Processes one stored event (the job's body). Never trusts the payload's
 * state: it re-reads the subscription from Stripe and applies that, under the
 * tenant's billing lock, so a stale or out-of-order event cannot overwrite a
 * newer state and a duplicate has no second effect. Failures are recorded
 * (status failed, attempts, last error) and rethrown for the job's retry.
 */
export async function processStripeEvent(eventId: string): Promise<ProcessOutcome> {
  const event = await withSystem("stripe-event", async (tx) => {
    const [row] = await tx
      .update(stripeEvents)
      .set({ attempts: sql`${stripeEvents.attempts} + 1` })
      .where(eq(stripeEvents.id, eventId))
      .returning();
    return row;
  });
  if (!event) return "missing";
  if (event.status === "processed") return "already-processed";
  const finish = (outcome: "processed" | "ignored", tenantId: string | null, note?: string) =>
    withSystem("stripe-event", (tx) =>
      tx.update(stripeEvents).set({ status: "processed", processedAt: new Date(), resolvedTenantId: tenantId, lastError: note ?? null }).where(eq(stripeEvents.id, eventId)),
    ).then(() => outcome);
  try {
    if (!handledEventTypes.has(event.type)) return await finish("ignored", null, `unhandled type ${event.type}`);
    const object = rec(rec(event.payload.data).object);
    const refs = refsOf(event.type, object);
    let subscriptionId = refs.subscriptionId;
    if (!subscriptionId && refs.sessionId) subscriptionId = (await retrieveCheckoutSession(refs.sessionId)).subscriptionId;
    const tenantId = await withSystem("stripe-event", (tx) => tenantFor(tx, refs.tenantId, refs.customerId));
    if (!tenantId) return await finish("ignored", null, "no tenant for this customer");
    if (!subscriptionId) return await finish("ignored", tenantId, "no subscription on this event");
    await withSystem("stripe-event", async (tx) => {
      await lockTenantBilling(tx, tenantId);
      const clock = await tx.execute<{ readAt: string }>(sql`select clock_timestamp()::text as "readAt"`);
      const readAt = clock[0]!.readAt;
      const snap = await retrieveSubscription(subscriptionId);
      if (!snap) throw new Error(`Stripe does not know subscription ${subscriptionId}`);
      await applySubscriptionSnapshot(tx, tenantId, snap, `stripe:${event.id}`, event.created);
      // Coalesce: every other pending event about this subscription that arrived before
      // the re-read is covered by it (Stripe's state already includes its change), so it
      // is marked processed now; its own job then finds nothing to do. Bursts cost one
      // Stripe read per subscription instead of one per event.
      await tx.execute(sql`
        update ${stripeEvents} set status = 'processed', processed_at = now(), resolved_tenant_id = ${tenantId},
          last_error = ${`covered by ${event.id}`}
        where status in ('received', 'failed') and id <> ${event.id} and received_at <= ${readAt}::timestamptz
          and ${subscriptionId} in (payload #>> '{data,object,id}', payload #>> '{data,object,subscription}',
                                    payload #>> '{data,object,parent,subscription_details,subscription}')`);
    });
    return await finish("processed", tenantId);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await withSystem("stripe-event", (tx) => tx.update(stripeEvents).set({ status: "failed", lastError: message }).where(eq(stripeEvents.id, eventId)));
    throw error;
  }
}

/**
 * Replays a stored event (platform admin, or after fixing a bug): marks it
 * received and queues its processing again. Safe at any time: processing
 * re-reads Stripe, so a replay can only bring the tenant up to date.
 */
export async function replayStripeEvent(eventId: string): Promise<boolean> {
  return withSystem("stripe-event-replay", async (tx) => {
    const rows = await tx.update(stripeEvents).set({ status: "received", processedAt: null }).where(eq(stripeEvents.id, eventId)).returning({ id: stripeEvents.id });
    if (rows.length === 0) return false;
    const { enqueueJob } = await import("@/server/jobs/queue");
    const { processStripeEventJob } = await import("@/server/jobs/billing");
    await enqueueJob(tx, processStripeEventJob, { eventId }, { jobKey: `stripe-event:${eventId}` });
    return true;
  });
}
