import Stripe from "stripe";
import { env } from "@/server/env";
import { logger } from "@/server/logger";

/**
 * The only module that imports the Stripe SDK. With STRIPE_SECRET_KEY unset
 * the SDK is pointed at the local emulator (scripts/stripe-emulator) through
 * its host/port/protocol options, so the same calls run offline.
 *
 * Callers get plain snapshots (`SubscriptionSnapshot`, …), never SDK types, so
 * the domain does not depend on the SDK's shape or API version.
 */
export const stripeIsEmulated = !env.STRIPE_SECRET_KEY;

let client: Stripe | undefined;
let apiBaseOverride: string | undefined;

/** Tests start an emulator on a free port and point the SDK at it. */
export function setStripeApiBase(url: string) {
  apiBaseOverride = url;
  resetStripeCaches();
}

/** Where the SDK connects: Stripe itself, or the emulator's host/port/protocol. */
function connectionOptions(): Stripe.StripeConfig {
  if (env.STRIPE_SECRET_KEY) return { maxNetworkRetries: 2 };
  const base = new URL(apiBaseOverride ?? env.STRIPE_API_BASE);
  const protocol = base.protocol === "https:" ? "https" : "http";
  return { host: base.hostname, port: Number(base.port || (protocol === "https" ? 443 : 80)), protocol, maxNetworkRetries: 2 };
}

export function stripeClient(): Stripe {
  if (client) return client;
  client = new Stripe(env.STRIPE_SECRET_KEY ?? "sk_test_souk_emulator", connectionOptions());
  return client;
}

export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookSignatureError";
  }
}

/** A verified event: its identity, and its body exactly as Stripe sent it (raw JSON text). */
export type StripeEventEnvelope = { id: string; type: string; created: number; rawBody: string };

/** Verifies `Stripe-Signature` against the raw body (throws WebhookSignatureError: missing, tampered, wrong secret, stale). */
export function verifyWebhook(rawBody: string, signature: string | null, secret = env.STRIPE_WEBHOOK_SECRET): StripeEventEnvelope {
  if (!signature) throw new WebhookSignatureError("Missing Stripe-Signature header");
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(rawBody, signature, secret, env.STRIPE_WEBHOOK_TOLERANCE_SECONDS);
  } catch (error) {
    throw new WebhookSignatureError(error instanceof Error ? error.message : "Invalid signature");
  }
  if (typeof event.id !== "string" || typeof event.type !== "string") throw new WebhookSignatureError("Malformed event");
  return { id: event.id, type: event.type, created: Number(event.created) || 0, rawBody };
}

/** A `Stripe-Signature` header made by the SDK's own test helper (tests and the benchmark). */
export function signTestPayload(payload: string, opts: { secret?: string; timestamp?: number } = {}): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: opts.secret ?? env.STRIPE_WEBHOOK_SECRET,
    timestamp: opts.timestamp,
  });
}

export type SubscriptionSnapshot = {
  id: string;
  customerId: string;
  status: string;
  priceId: string | null;
  priceLookupKey: string | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  tenantId: string | null;
  created: number;
};

const idOf = (v: string | { id: string } | null | undefined) => (v == null ? null : typeof v === "string" ? v : v.id);

const isMetered = (item: Stripe.SubscriptionItem) => item.price.recurring?.usage_type === "metered";

export function toSubscriptionSnapshot(sub: Stripe.Subscription): SubscriptionSnapshot {
  // The plan is the licensed item; metered items carry the plan's overage prices.
  const item = sub.items.data.find((i) => !isMetered(i)) ?? sub.items.data[0];
  // Since API 2025-03 the period lives on items; fall back to the first item.
  const periodEnd = item?.current_period_end ?? null;
  return {
    id: sub.id,
    customerId: idOf(sub.customer) ?? "",
    status: sub.status,
    priceId: item?.price.id ?? null,
    priceLookupKey: item?.price.lookup_key ?? null,
    currentPeriodEnd: periodEnd ? new Date(periodEnd * 1000) : null,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    tenantId: sub.metadata?.tenant_id ?? null,
    created: sub.created,
  };
}

function isMissing(error: unknown) {
  return error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404;
}

/** The subscription as Stripe has it now; null when Stripe does not know it. */
export async function retrieveSubscription(id: string): Promise<SubscriptionSnapshot | null> {
  try {
    return toSubscriptionSnapshot(await stripeClient().subscriptions.retrieve(id));
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** Every subscription of a customer, canceled included, newest first. */
export async function listCustomerSubscriptions(customerId: string): Promise<SubscriptionSnapshot[]> {
  const list = await stripeClient().subscriptions.list({ customer: customerId, status: "all", limit: 100 });
  return list.data.map(toSubscriptionSnapshot).sort((a, b) => b.created - a.created);
}

export async function retrieveCheckoutSession(id: string): Promise<{ id: string; subscriptionId: string | null; customerId: string | null; tenantId: string | null; status: string | null }> {
  const cs = await stripeClient().checkout.sessions.retrieve(id);
  return { id: cs.id, subscriptionId: idOf(cs.subscription), customerId: idOf(cs.customer), tenantId: cs.client_reference_id ?? cs.metadata?.tenant_id ?? null, status: cs.status };
}

/** False when Stripe has no such customer (e.g. the in-memory emulator restarted under a kept dev database). */
export async function customerExists(id: string): Promise<boolean> {
  try {
    const c = await stripeClient().customers.retrieve(id);
    return !("deleted" in c && c.deleted);
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

export async function createCustomer(input: { tenantId: string; email: string | null; name: string; attempt?: number }): Promise<string> {
  const customer = await stripeClient().customers.create(
    { email: input.email ?? undefined, name: input.name, metadata: { tenant_id: input.tenantId } },
    // One customer per tenant even if two requests race before the first is stored.
    { idempotencyKey: `souk-customer-${input.tenantId}-${input.attempt ?? 0}` },
  );
  return customer.id;
}

export async function createCheckoutSession(input: {
  tenantId: string;
  customerId: string;
  priceId: string;
  meteredPriceIds: string[];
  plan: string;
  successUrl: string;
  cancelUrl: string;
}): Promise<{ id: string; url: string }> {
  const session = await stripeClient().checkout.sessions.create({
    mode: "subscription",
    customer: input.customerId,
    client_reference_id: input.tenantId,
    metadata: { tenant_id: input.tenantId, plan: input.plan },
    subscription_data: { metadata: { tenant_id: input.tenantId, plan: input.plan } },
    // Metered prices take no quantity: usage reported to their meters sets what is billed.
    line_items: [{ price: input.priceId, quantity: 1 }, ...input.meteredPriceIds.map((price) => ({ price }))],
    success_url: input.successUrl,
    cancel_url: input.cancelUrl,
  });
  if (!session.url) throw new Error("Stripe returned a checkout session without a URL");
  return { id: session.id, url: session.url };
}

/** Stripe's answer when the session is no longer open (paid or expired meanwhile). */
const isNotOpen = (error: unknown) => error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 400;

/**
 * Expires every open Checkout Session of the customer but `keepId`, so a tab opened
 * earlier can no longer be paid. Two checkouts started at once each expire the other's
 * session if they see it: at worst neither stays payable (the customer starts again),
 * never both. Returns the ids expired.
 */
export async function expireOtherCheckoutSessions(customerId: string, keepId: string): Promise<string[]> {
  const stripe = stripeClient();
  const expired: string[] = [];
  for await (const session of stripe.checkout.sessions.list({ customer: customerId, status: "open", limit: 100 })) {
    if (session.id === keepId) continue;
    try {
      await stripe.checkout.sessions.expire(session.id);
      expired.push(session.id);
    } catch (error) {
      // Completed meanwhile: the webhook's duplicate check cancels what it started.
      if (!isNotOpen(error)) throw error;
    }
  }
  return expired;
}

/**
 * Cancels a subscription at once, prorated: its unused time is invoiced now as a
 * credit, which Stripe keeps on the customer's balance and applies to the
 * customer's next invoices (the shop's other subscription). Already canceled: null.
 */
export async function cancelSubscriptionNow(subscriptionId: string): Promise<{ snapshot: SubscriptionSnapshot; creditMinor: number } | null> {
  const stripe = stripeClient();
  try {
    const sub = await stripe.subscriptions.cancel(subscriptionId, { prorate: true, invoice_now: true });
    const invoiceId = idOf(sub.latest_invoice);
    const invoice = invoiceId ? await stripe.invoices.retrieve(invoiceId) : null;
    // The final invoice's negative total is the credit (0 when nothing was left unused).
    const creditMinor = invoice && invoice.total < 0 ? -invoice.total : 0;
    return { snapshot: toSubscriptionSnapshot(sub), creditMinor };
  } catch (error) {
    if (isMissing(error)) return null;
    // Canceled meanwhile (another worker, the customer): nothing left to do.
    if (error instanceof Stripe.errors.StripeInvalidRequestError && (await retrieveSubscription(subscriptionId))?.status === "canceled") return null;
    throw error;
  }
}

export async function createPortalSession(customerId: string, returnUrl: string): Promise<string> {
  const session = await stripeClient().billingPortal.sessions.create({ customer: customerId, return_url: returnUrl });
  return session.url;
}

/**
 * Moves the subscription to another plan (upgrade/downgrade), prorated: the licensed
 * item gets the plan's price, and the metered items become the plan's overage prices.
 * Null when the subscription has no licensed item to change.
 */
export async function changeSubscriptionPlan(subscriptionId: string, change: { priceId: string; meteredPriceIds: string[]; plan: string }): Promise<SubscriptionSnapshot | null> {
  const stripe = stripeClient();
  const current = await stripe.subscriptions.retrieve(subscriptionId);
  const licensed = current.items.data.find((i) => !isMetered(i));
  if (!licensed) return null;
  const metered = current.items.data.filter(isMetered);
  const sub = await stripe.subscriptions.update(subscriptionId, {
    items: [
      { id: licensed.id, price: change.priceId },
      ...metered.filter((i) => !change.meteredPriceIds.includes(i.price.id)).map((i) => ({ id: i.id, deleted: true })),
      ...change.meteredPriceIds.filter((id) => !metered.some((i) => i.price.id === id)).map((price) => ({ price })),
    ],
    proration_behavior: "create_prorations",
    metadata: { plan: change.plan },
  });
  return toSubscriptionSnapshot(sub);
}

export async function setCancelAtPeriodEnd(subscriptionId: string, cancel: boolean): Promise<SubscriptionSnapshot> {
  return toSubscriptionSnapshot(await stripeClient().subscriptions.update(subscriptionId, { cancel_at_period_end: cancel }));
}

export type InvoiceSnapshot = { id: string; number: string | null; status: string | null; amountDue: number; amountPaid: number; currency: string; created: Date; hostedUrl: string | null };

export async function listInvoices(customerId: string, limit = 12): Promise<InvoiceSnapshot[]> {
  const list = await stripeClient().invoices.list({ customer: customerId, limit });
  return list.data.map((inv) => ({
    id: inv.id ?? "",
    number: inv.number ?? null,
    status: inv.status ?? null,
    amountDue: inv.amount_due,
    amountPaid: inv.amount_paid,
    currency: inv.currency,
    created: new Date(inv.created * 1000),
    hostedUrl: inv.hosted_invoice_url ?? null,
  }));
}

export type PlanPriceSpec = { planId: string; name: string; lookupKey: string; monthlyAmountMinor: number; currency: string };
/** A metered price: `unitAmount` per unit, exact, in `currency` (which has `currencyDigits` minor digits), billed from the meter `eventName`. */
export type MeteredPriceSpec = { name: string; lookupKey: string; unitAmount: string; currency: string; currencyDigits: number; eventName: string };

const priceCache = new Map<string, string>();

/**
 * The id of the active price with this lookup key. Against the emulator a missing
 * price is created from `emulatorPrice` (the emulator starts empty); against a real
 * account it must exist, and `missing` says how to provide it.
 */
async function priceByLookupKey(lookupKey: string, missing: string, emulatorPrice: () => Promise<Stripe.PriceCreateParams>): Promise<string> {
  const cached = priceCache.get(lookupKey);
  if (cached) return cached;
  // Concurrent first checkouts share one lookup (and one creation against the emulator).
  return onceAtATime(`price:${lookupKey}`, async () => {
    const stripe = stripeClient();
    const find = async () => (await stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 })).data[0]?.id;
    let id = await find();
    if (!id) {
      if (!stripeIsEmulated) throw new Error(`No Stripe price with lookup key ${lookupKey}: ${missing}`);
      try {
        id = (await stripe.prices.create({ ...(await emulatorPrice()), lookup_key: lookupKey })).id;
        logger.info({ lookupKey, priceId: id }, "created emulator price");
      } catch (error) {
        // Another process created it first (lookup keys are unique): use that one.
        id = await find();
        if (!id) throw error;
      }
    }
    priceCache.set(lookupKey, id);
    return id;
  });
}

const inFlight = new Map<string, Promise<string>>();

/** Runs `fn` once for concurrent callers with the same key; they all get its result. */
function onceAtATime(key: string, fn: () => Promise<string>): Promise<string> {
  const running = inFlight.get(key);
  if (running) return running;
  const run = fn().finally(() => inFlight.delete(key));
  inFlight.set(key, run);
  return run;
}

/** The Stripe price id for a plan: STRIPE_PRICE_<PLAN> when configured, else the price with the plan's lookup key. */
export async function resolvePriceId(spec: PlanPriceSpec): Promise<string> {
  const configured = env.stripePriceIds[spec.planId];
  if (configured) return configured;
  return priceByLookupKey(spec.lookupKey, `create it or set STRIPE_PRICE_${spec.planId.toUpperCase()}`, async () => ({
    currency: spec.currency.toLowerCase(),
    unit_amount: spec.monthlyAmountMinor,
    recurring: { interval: "month" },
    product_data: { name: `Souk ${spec.name}` },
  }));
}

/** The Stripe price id of a metered overage price, by its lookup key (emulator: created with its meter). */
export async function resolveMeteredPriceId(spec: MeteredPriceSpec): Promise<string> {
  return priceByLookupKey(spec.lookupKey, `create a monthly metered price on the meter with event name ${spec.eventName}`, async () => ({
    currency: spec.currency.toLowerCase(),
    // Stripe wants minor units; sub-cent prices stay exact as a decimal (EUR 0.002 → 0.2).
    unit_amount_decimal: Stripe.Decimal.from(spec.unitAmount).mul(Stripe.Decimal.from(10 ** spec.currencyDigits)),
    recurring: { interval: "month", usage_type: "metered", meter: await meterFor(spec.eventName) },
    product_data: { name: `Souk ${spec.name}` },
  }));
}

/** The emulator's meter for an event name, created on first use. */
async function meterFor(eventName: string): Promise<string> {
  return onceAtATime(`meter:${eventName}`, async () => {
    const stripe = stripeClient();
    const meters = await stripe.billing.meters.list({ limit: 100 });
    const existing = meters.data.find((m) => m.event_name === eventName);
    if (existing) return existing.id;
    const meter = await stripe.billing.meters.create({ display_name: eventName, event_name: eventName, default_aggregation: { formula: "sum" } });
    return meter.id;
  });
}

/** Which configured plan a price id belongs to (env mapping first), if any. */
export function planForConfiguredPrice(priceId: string): string | null {
  for (const [plan, id] of Object.entries(env.stripePriceIds)) if (id === priceId) return plan;
  return null;
}

/** A fresh emulator has new ids: forget the cached client and price ids. */
function resetStripeCaches() {
  priceCache.clear();
  client = undefined;
  meterSession = undefined;
}

/** One usage report for a meter (billing run): `value` is an exact decimal string. */
export type MeterEventInput = { identifier: string; eventName: string; customerId: string; value: string; timestamp: Date };

/** Most events the v2 meter event stream takes in one request. */
export const METER_EVENTS_PER_REQUEST = 100;

type MeterSession = { client: Stripe; expiresAt: number };
let meterSession: Promise<MeterSession> | undefined;

/**
 * A meter event session: a client authenticated with the session's token (valid 15 minutes),
 * shared by concurrent senders and renewed a minute before it expires or when Stripe says it did.
 */
async function meterEventSession(renew = false): Promise<MeterSession> {
  const current = meterSession && !renew ? await meterSession.catch(() => undefined) : undefined;
  if (current && current.expiresAt - 60_000 > Date.now()) return current;
  const next = stripeClient()
    .v2.billing.meterEventSession.create()
    .then((s) => ({ client: new Stripe(s.authentication_token, connectionOptions()), expiresAt: Date.parse(s.expires_at) }));
  meterSession = next;
  return next;
}

/**
 * Sends up to 100 meter events in one request of the v2 meter event stream. Stripe dedupes
 * identifiers for about 24 hours only; exactly-once is the caller's ledger's job.
 */
export async function sendMeterEvents(events: MeterEventInput[]): Promise<void> {
  if (events.length === 0) return;
  if (events.length > METER_EVENTS_PER_REQUEST) throw new Error(`At most ${METER_EVENTS_PER_REQUEST} meter events per request`);
  const body = {
    events: events.map((e) => ({
      event_name: e.eventName,
      identifier: e.identifier,
      timestamp: e.timestamp.toISOString(),
      payload: { stripe_customer_id: e.customerId, value: e.value },
    })),
  };
  const session = await meterEventSession();
  try {
    await session.client.v2.billing.meterEventStream.create(body);
  } catch (error) {
    // An expired (or otherwise refused) session token: renew the session once and retry.
    if (!(error instanceof Stripe.errors.TemporarySessionExpiredError) && !(error instanceof Stripe.errors.StripeAuthenticationError)) throw error;
    await (await meterEventSession(true)).client.v2.billing.meterEventStream.create(body);
  }
}
