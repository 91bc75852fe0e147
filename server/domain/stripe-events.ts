import { and, eq, inArray, lte, ne, or, sql } from "drizzle-orm";
import pLimit from "p-limit";
import { stripeEvents, subscriptions, tenants } from "@/server/db/schema";
import { groupCommit } from "@/server/db/group-commit";
import { withSystem, type Tx } from "@/server/db/tenancy";
import { retrieveCheckoutSession, retrieveSubscription, verifyWebhook, WebhookSignatureError, type StripeEventEnvelope } from "@/server/integrations/stripe";
import { env } from "@/server/env";
import { logger } from "@/server/logger";
import { recordAudit } from "./audit";
import type { Actor } from "./context";
import { metrics } from "@/server/observability/metrics";
import { applySubscriptionSnapshot, keepOneSubscription, lockTenantBilling } from "./subscriptions";

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
    metrics.stripeEvents.inc({ stage: "received", status: "invalid_signature" });
    return { status: 400, body: { received: false, error: "Invalid signature" } };
  }
  const inserted = await storeEvent(event);
  metrics.stripeEvents.inc({ stage: "received", status: inserted ? "stored" : "duplicate" });
  return { status: 200, body: inserted ? { received: true } : { received: true, duplicate: true } };
}

/** Stores a batch of verified events and queues one job to process the new ones; true where an event was new. */
async function storeEvents(events: StripeEventEnvelope[]): Promise<boolean[]> {
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
    await queueProcessing(tx, rows.map((r) => r.id), env.STRIPE_EVENT_DELAY_MS);
    return new Set(rows.map((r) => r.id));
  });
  return events.map((e, i) => stored.has(e.id) && firstIndex.get(e.id) === i);
}

/**
 * One batch job for these events (graphile-worker retries only the ones that fail), due
 * `delayMs` from now: events about the same subscription that arrive meanwhile are then
 * covered by the one read of it that processing makes.
 */
async function queueProcessing(tx: Tx, eventIds: string[], delayMs: number) {
  if (eventIds.length === 0) return;
  const { enqueueJob } = await import("@/server/jobs/queue");
  const { processStripeEventsJob } = await import("@/server/jobs/billing");
  await enqueueJob(tx, processStripeEventsJob, eventIds.map((eventId) => ({ eventId })), { runAt: delayMs > 0 ? new Date(Date.now() + delayMs) : undefined });
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
    // Since API 2025-03-31 an invoice names its subscription only here (no invoice.subscription).
    const details = rec(rec(object.parent).subscription_details);
    return { sessionId: null, subscriptionId: id(details.subscription), customerId: id(object.customer), tenantId: str(rec(details.metadata).tenant_id) };
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

/** The subscription an event is about, as the coalescing below matches it (SQL, over the stored payload). */
const subjectOfEvent = sql<string | null>`coalesce(
  ${stripeEvents.payload} #>> '{data,object,subscription}',
  ${stripeEvents.payload} #>> '{data,object,parent,subscription_details,subscription}',
  case when ${stripeEvents.type} like 'customer.subscription.%' then ${stripeEvents.payload} #>> '{data,object,id}' end)`;

/** Subscriptions of one batch processed side by side; each holds a connection while it reads Stripe. */
const BATCH_CONCURRENCY = 4;

/**
 * Processes a batch of stored events (one job's payload) and returns one
 * outcome per event, in order, so that graphile-worker retries only the events
 * that failed. Events about the same subscription run one after another: the
 * first one's re-read from Stripe covers the rest (see below), which then cost
 * nothing more. Different subscriptions run side by side.
 */
export function processStripeEventBatch(eventIds: string[]): Promise<ProcessOutcome>[] {
  const covered = new Set<string>();
  const limit = pLimit(BATCH_CONCURRENCY);
  const stored =
    eventIds.length === 1
      ? Promise.resolve([])
      : withSystem("stripe-event", (tx) =>
          tx.select({ id: stripeEvents.id, status: stripeEvents.status, subject: subjectOfEvent }).from(stripeEvents).where(inArray(stripeEvents.id, eventIds)),
        );
  const runs = stored.then((rows) => {
    // Already covered by an earlier job's re-read: nothing to do.
    for (const r of rows) if (r.status === "processed") covered.add(r.id);
    const subjectOf = new Map(rows.map((r) => [r.id, r.subject ?? r.id]));
    const tails = new Map<string, Promise<unknown>>();
    return eventIds.map((id) => {
      const subject = subjectOf.get(id) ?? id;
      const run = (tails.get(subject) ?? Promise.resolve())
        .catch(() => {}) // The previous event's failure is its own; this one still runs.
        .then(() => (covered.has(id) ? ("already-processed" as const) : limit(() => processOne(id, covered))));
      tails.set(subject, run);
      return run;
    });
  });
  return eventIds.map((_, i) => runs.then((r) => r[i]!));
}

/**
 * Never trusts the payload's state: re-reads the subscription from Stripe and
 * applies that, under the tenant's billing lock, so a stale or out-of-order
 * event cannot overwrite a newer state and a duplicate has no second effect.
 * Failures are recorded (status failed, attempts, last error) and rethrown for
 * the job's retry. One transaction per event: under a webhook flood, statements
 * per event are what the worker and PostgreSQL spend their CPU on. Adds the ids
 * of the other events this one covered to `covered`.
 */
async function processOne(eventId: string, covered: Set<string>): Promise<ProcessOutcome> {
  try {
    const outcome = await withSystem("stripe-event", (tx) => processInTransaction(tx, eventId, covered));
    metrics.stripeEvents.inc({ stage: "processed", status: outcome });
    return outcome;
  } catch (error) {
    metrics.stripeEvents.inc({ stage: "processed", status: "failed" });
    const message = error instanceof Error ? error.message : String(error);
    // The processing transaction rolled back, its attempt count with it: count it here.
    await withSystem("stripe-event", (tx) =>
      tx.update(stripeEvents).set({ status: "failed", attempts: sql`${stripeEvents.attempts} + 1`, lastError: message }).where(eq(stripeEvents.id, eventId)),
    );
    throw error;
  }
}

async function processInTransaction(tx: Tx, eventId: string, covered: Set<string>): Promise<ProcessOutcome> {
  const [event] = await tx
    .select({ type: stripeEvents.type, created: stripeEvents.created, status: stripeEvents.status, payload: stripeEvents.payload })
    .from(stripeEvents)
    .where(eq(stripeEvents.id, eventId));
  if (!event) return "missing";
  if (event.status === "processed") return "already-processed";
  const finish = async (outcome: "processed" | "ignored", tenantId: string | null, note?: string) => {
    await tx
      .update(stripeEvents)
      .set({ status: "processed", processedAt: new Date(), resolvedTenantId: tenantId, lastError: note ?? null, attempts: sql`${stripeEvents.attempts} + 1` })
      .where(eq(stripeEvents.id, eventId));
    return outcome;
  };
  if (!handledEventTypes.has(event.type)) return finish("ignored", null, `unhandled type ${event.type}`);
  const refs = refsOf(event.type, rec(rec(event.payload.data).object));
  let subscriptionId = refs.subscriptionId;
  if (!subscriptionId && refs.sessionId) subscriptionId = (await retrieveCheckoutSession(refs.sessionId)).subscriptionId;
  const tenantId = await tenantFor(tx, refs.tenantId, refs.customerId);
  if (!tenantId) return finish("ignored", null, "no tenant for this customer");
  if (!subscriptionId) return finish("ignored", tenantId, "no subscription on this event");

  // The billing lock comes before this event's row lock, as in every transaction that
  // coalesces (below): two workers on one tenant then queue on the lock, never deadlock.
  await lockTenantBilling(tx, tenantId);
  const [claimed] = await tx
    .update(stripeEvents)
    .set({ attempts: sql`${stripeEvents.attempts} + 1` })
    .where(and(eq(stripeEvents.id, eventId), ne(stripeEvents.status, "processed")))
    .returning({ readAt: sql<string>`clock_timestamp()::text` });
  // Covered, while this waited for the lock, by another event's re-read.
  if (!claimed) return "already-processed";
  const snap = await retrieveSubscription(subscriptionId);
  if (!snap) throw new Error(`Stripe does not know subscription ${subscriptionId}`);
  // A second live subscription for the shop (two paid checkout tabs) is canceled here.
  const kept = await keepOneSubscription(tx, tenantId, snap, `stripe:${eventId}`);
  await applySubscriptionSnapshot(tx, tenantId, kept, `stripe:${eventId}`, event.created);
  // Done, and with it every other pending event about this subscription that arrived
  // before the re-read: Stripe's state already includes its change, so its own job
  // finds nothing to do. Bursts cost one Stripe read per subscription, not per event.
  const done = await tx
    .update(stripeEvents)
    .set({
      status: "processed",
      processedAt: sql`clock_timestamp()`,
      resolvedTenantId: tenantId,
      lastError: sql`case when ${stripeEvents.id} = ${eventId} then null else ${`covered by ${eventId}`} end`,
    })
    .where(
      or(
        eq(stripeEvents.id, eventId),
        and(inArray(stripeEvents.status, ["received", "failed"]), lte(stripeEvents.receivedAt, sql`${claimed.readAt}::timestamptz`), eq(subjectOfEvent, subscriptionId)),
      ),
    )
    .returning({ id: stripeEvents.id });
  for (const { id } of done) covered.add(id);
  return "processed";
}

/**
 * Replays stored events (platform admin, or after fixing a bug): marks them received and queues
 * their processing again, in one transaction with the admin's audit row when an actor is given.
 * Safe at any time: processing re-reads Stripe, so a replay can only bring a tenant up to date.
 * Returns the ids that exist (and were queued).
 */
export async function replayStripeEvents(eventIds: string[], actor?: Actor): Promise<string[]> {
  if (eventIds.length === 0) return [];
  return withSystem("stripe-event-replay", async (tx) => {
    const rows = await tx.update(stripeEvents).set({ status: "received", processedAt: null }).where(inArray(stripeEvents.id, eventIds)).returning({ id: stripeEvents.id });
    const ids = rows.map((r) => r.id);
    await queueProcessing(tx, ids, 0);
    if (actor && ids.length) {
      await recordAudit(tx, actor, { tenantId: null, action: "stripe_event.replayed", targetType: "stripe_event", targetId: ids.length === 1 ? ids[0] : undefined, metadata: { count: ids.length, ids: ids.slice(0, 100) } });
    }
    return ids;
  });
}

/** Replays one stored event (the billing:replay script); false when there is no such event. */
export async function replayStripeEvent(eventId: string): Promise<boolean> {
  return (await replayStripeEvents([eventId])).length === 1;
}
