// Drives the emulator through the real `stripe` SDK and verifies webhooks with `constructEvent`.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from './server';
import { shapeViolations } from './spec/validate';
import { parseForm } from './wire';

const SECRET = 'whsec_test_emulator_secret';
const DAY = 86_400;

type Receiver = { url: string; events: Stripe.Event[]; raw: { body: string; signature: string }[]; rejected: number; failNext: number; close(): Promise<void> };

async function startReceiver(): Promise<Receiver> {
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => resolve(body));
    });
  const server = createServer((req, res) => {
    void read(req).then((body) => {
      if (receiver.failNext > 0) {
        receiver.failNext--;
        res.writeHead(500).end('boom');
        return;
      }
      const signature = String(req.headers['stripe-signature'] ?? '');
      try {
        receiver.events.push(Stripe.webhooks.constructEvent(body, signature, SECRET));
        receiver.raw.push({ body, signature });
        res.writeHead(200).end('{"received":true}');
      } catch {
        receiver.rejected++;
        res.writeHead(400).end('bad signature');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/stripe`,
    events: [],
    raw: [],
    rejected: 0,
    failNext: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return receiver;
}

let emu: StripeEmulator;
let hook: Receiver;
let stripe: Stripe;
/** Where a response or event of this test differs from Stripe's published shapes. */
let drift: string[];

beforeEach(async () => {
  hook = await startReceiver();
  drift = [];
  const onObject = (source: string, body: unknown) => drift.push(...shapeViolations(body, source));
  emu = await startStripeEmulator({ webhookSecret: SECRET, webhookUrl: hook.url, webhookRetry: { attempts: 4, baseDelayMs: 10 }, onObject });
  stripe = new Stripe('sk_test_emulator', { host: '127.0.0.1', port: emu.port, protocol: 'http' });
});

afterEach(async () => {
  await emu.close();
  await hook.close();
  // Every endpoint a test drives is checked against the spec, whatever the test asserts.
  expect([...new Set(drift)]).toEqual([]);
});

const types = () => hook.events.map((e) => e.type);
// The billing period lives on the subscription's items (API 2025-03-31 and later).
const periodEnd = (sub: Stripe.Subscription) => sub.items.data[0]?.current_period_end ?? 0;

async function proPrice(lookupKey = 'pro_monthly', amount = 2900): Promise<Stripe.Price> {
  const existing = await stripe.prices.list({ lookup_keys: [lookupKey] });
  return existing.data[0] ?? stripe.prices.create({ unit_amount: amount, currency: 'usd', recurring: { interval: 'month' }, product_data: { name: 'Souk Pro' }, lookup_key: lookupKey });
}

async function subscribe(lineItems?: Stripe.Checkout.SessionCreateParams.LineItem[]) {
  const customer = await stripe.customers.create({ email: 'owner@shop.test', metadata: { tenantId: 'tenant_1' } });
  const items = lineItems ?? [{ price: (await proPrice()).id, quantity: 1 }];
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: items,
    success_url: 'http://localhost:3000/billing/success?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://localhost:3000/billing',
    client_reference_id: 'tenant_1',
    metadata: { tenantId: 'tenant_1' },
    subscription_data: { metadata: { tenantId: 'tenant_1', plan: 'pro' } },
  });
  const pay = await fetch(`${session.url}/pay`, { method: 'POST', redirect: 'manual' });
  expect(pay.status).toBe(303);
  await emu.waitForWebhooks();
  const done = await stripe.checkout.sessions.retrieve(session.id);
  const subscription = await stripe.subscriptions.retrieve(String(done.subscription));
  return { customer, session, subscription, pay };
}

async function expectStripeError(p: Promise<unknown>, status: number, code?: string): Promise<Stripe.errors.StripeError> {
  const err: unknown = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(Stripe.errors.StripeError);
  const se = err as Stripe.errors.StripeError;
  expect(se.statusCode).toBe(status);
  if (code) expect(se.code).toBe(code);
  return se;
}

describe('wire format', () => {
  it('parses bracket notation into nested objects and arrays', () => {
    expect(parseForm('line_items[0][price]=p1&line_items[1][price]=p2&line_items[1][quantity]=3&expand[]=a&expand[]=b&metadata[0]=x&subscription_data[metadata][k]=v%20w&q=a+b')).toEqual({
      line_items: [{ price: 'p1' }, { price: 'p2', quantity: '3' }],
      expand: ['a', 'b'],
      metadata: { '0': 'x' },
      subscription_data: { metadata: { k: 'v w' } },
      q: 'a b',
    });
    expect(parseForm('__proto__[x]=1&a[constructor]=2')).toEqual({});
  });
});

describe('customers, products and prices', () => {
  it('creates, retrieves and updates customers (metadata merges, empty value removes)', async () => {
    const c = await stripe.customers.create({ email: 'a@b.test', name: 'A', metadata: { tenantId: 't1', drop: 'me' } });
    expect(c).toMatchObject({ object: 'customer', email: 'a@b.test', livemode: false, metadata: { tenantId: 't1', drop: 'me' } });
    expect(c.id).toMatch(/^cus_/);
    expect(Math.abs(c.created - Date.now() / 1000)).toBeLessThan(5);
    const u = await stripe.customers.update(c.id, { name: 'B', metadata: { drop: '', extra: '1' } });
    expect(u.metadata).toEqual({ tenantId: 't1', extra: '1' });
    const got = await stripe.customers.retrieve(c.id);
    expect(got).toMatchObject({ id: c.id, name: 'B' });
  });

  it('surfaces unknown ids as 404 resource_missing StripeInvalidRequestError', async () => {
    for (const call of [stripe.customers.retrieve('cus_missing'), stripe.subscriptions.retrieve('sub_missing'), stripe.invoices.retrieve('in_missing'), stripe.prices.retrieve('price_missing'), stripe.checkout.sessions.retrieve('cs_missing'), stripe.events.retrieve('evt_missing')]) {
      const err = await expectStripeError(call, 404, 'resource_missing');
      expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(err.type).toBe('StripeInvalidRequestError');
      expect(err.message).toMatch(/^No such /);
    }
    await expectStripeError(stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_nope', quantity: 1 }], success_url: 'http://x' }), 404, 'resource_missing');
  });

  it('validates params and rejects unknown endpoints and missing API keys', async () => {
    const err = await expectStripeError(stripe.prices.create({ unit_amount: 100, product_data: { name: 'x' } } as Stripe.PriceCreateParams), 400, 'parameter_missing');
    expect(err.param).toBe('currency');
    const res = await fetch(`${emu.url}/v1/customers`);
    expect(res.status).toBe(401);
    const unknown = await fetch(`${emu.url}/v1/nope`, { headers: { Authorization: 'Bearer sk_test_x' } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('creates prices by lookup key, filters by lookup_keys[] and guards key uniqueness', async () => {
    const product = await stripe.products.create({ name: 'Souk Business' });
    const pro = await proPrice();
    const biz = await stripe.prices.create({ unit_amount: 9900, currency: 'usd', recurring: { interval: 'month' }, product: product.id, lookup_key: 'biz_monthly' });
    expect(pro).toMatchObject({ object: 'price', unit_amount: 2900, currency: 'usd', type: 'recurring', lookup_key: 'pro_monthly', recurring: { interval: 'month', usage_type: 'licensed' } });
    expect(biz.product).toBe(product.id);
    const found = await stripe.prices.list({ lookup_keys: ['pro_monthly', 'unknown'] });
    expect(found.data.map((p) => p.id)).toEqual([pro.id]);
    expect((await stripe.prices.list({ lookup_keys: ['pro_monthly', 'biz_monthly'] })).data).toHaveLength(2);
    await expectStripeError(stripe.prices.create({ unit_amount: 1, currency: 'usd', product: product.id, lookup_key: 'pro_monthly' }), 400, 'lookup_key_already_exists');
    const moved = await stripe.prices.create({ unit_amount: 3900, currency: 'usd', recurring: { interval: 'month' }, product: product.id, lookup_key: 'pro_monthly', transfer_lookup_key: true });
    expect((await stripe.prices.list({ lookup_keys: ['pro_monthly'] })).data.map((p) => p.id)).toEqual([moved.id]);
    expect((await stripe.prices.retrieve(pro.id)).lookup_key).toBeNull();
  });

  it('paginates lists newest first and supports auto-pagination', async () => {
    for (let i = 0; i < 12; i++) await stripe.customers.create({ email: `c${i}@x.test` });
    const first = await stripe.customers.list();
    expect(first).toMatchObject({ object: 'list', has_more: true });
    expect(first.data).toHaveLength(10);
    expect(first.data[0]?.email).toBe('c11@x.test');
    expect(await stripe.customers.list().autoPagingToArray({ limit: 100 })).toHaveLength(12);
  });

  it('honours Idempotency-Key (same key → same response, other params → idempotency error)', async () => {
    const a = await stripe.customers.create({ email: 'same@x.test' }, { idempotencyKey: 'key-1' });
    const b = await stripe.customers.create({ email: 'same@x.test' }, { idempotencyKey: 'key-1' });
    expect(b.id).toBe(a.id);
    expect((await stripe.customers.list()).data).toHaveLength(1);
    const err = await expectStripeError(stripe.customers.create({ email: 'other@x.test' }, { idempotencyKey: 'key-1' }), 400);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });
});

describe('checkout', () => {
  it('renders the hosted page, pays, redirects, and sends signed webhooks in order', async () => {
    const price = await proPrice();
    const customer = await stripe.customers.create({ email: 'owner@shop.test' });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: price.id, quantity: 2 }],
      success_url: 'http://localhost:3000/ok?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://localhost:3000/cancel',
      subscription_data: { metadata: { tenantId: 'tenant_9' } },
    });
    expect(session).toMatchObject({ object: 'checkout.session', status: 'open', payment_status: 'unpaid', url: `${emu.url}/checkout/${session.id}`, amount_total: 5800 });
    const page = await fetch(String(session.url));
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('<title>Souk test checkout</title>');
    expect(html).toMatch(/<form method="post"[^>]*>[\s\S]*<button type="submit">Pay<\/button>[\s\S]*>Decline<\/button>/);
    expect(html).toContain('$58.00');

    const pay = await fetch(`${session.url}/pay`, { method: 'POST', redirect: 'manual' });
    expect(pay.status).toBe(303);
    expect(pay.headers.get('location')).toBe(`http://localhost:3000/ok?session_id=${session.id}`);
    await emu.waitForWebhooks();
    expect(types()).toEqual(['customer.subscription.created', 'invoice.paid', 'invoice.payment_succeeded', 'checkout.session.completed']);
    expect(hook.rejected).toBe(0);
    const sig = hook.raw[0]?.signature ?? '';
    expect(sig).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(() => Stripe.webhooks.constructEvent(hook.raw[0]?.body ?? '', sig, 'whsec_wrong')).toThrow(Stripe.errors.StripeSignatureVerificationError);

    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription', 'customer', 'subscription.latest_invoice', 'line_items'] });
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid', url: null, customer_details: { email: 'owner@shop.test' } });
    const sub = done.subscription as Stripe.Subscription;
    expect(sub).toMatchObject({ object: 'subscription', status: 'active', customer: customer.id, metadata: { tenantId: 'tenant_9' } });
    expect((done.customer as Stripe.Customer).email).toBe('owner@shop.test');
    expect(done.line_items?.data[0]).toMatchObject({ quantity: 2, amount_total: 5800 });
    const item = sub.items.data[0];
    expect(item?.price.id).toBe(price.id);
    expect(sub).not.toHaveProperty('current_period_end');
    expect((item?.current_period_end ?? 0) - (item?.current_period_start ?? 0)).toBeGreaterThanOrEqual(28 * DAY);
    const inv = sub.latest_invoice as Stripe.Invoice;
    expect(inv).toMatchObject({ object: 'invoice', status: 'paid', amount_due: 5800, amount_paid: 5800, customer: customer.id, starting_balance: 0, discounts: [] });
    expect(inv).not.toHaveProperty('subscription');
    expect(inv.parent?.subscription_details?.subscription).toBe(sub.id);
    expect(inv.hosted_invoice_url).toContain(`/invoices/${inv.id}`);

    const completed = hook.events[3];
    expect(completed?.type).toBe('checkout.session.completed');
    expect((completed?.data.object as Stripe.Checkout.Session).subscription).toBe(sub.id);
    expect((await stripe.events.retrieve(completed?.id ?? '')).type).toBe('checkout.session.completed');
    expect((await stripe.events.list({ type: 'invoice.paid' })).data).toHaveLength(1);
    expect((await stripe.invoices.list({ customer: customer.id })).data.map((i) => i.id)).toEqual([inv.id]);
    expect((await fetch(`${session.url}/pay`, { method: 'POST' })).status).toBe(409);
  });

  it('declines: no subscription, session stays open, page offers the cancel link', async () => {
    const price = await proPrice();
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: price.id, quantity: 1 }], success_url: 'http://localhost:3000/ok', cancel_url: 'http://localhost:3000/billing?canceled=1' });
    const res = await fetch(`${session.url}/decline`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(402);
    const html = await res.text();
    expect(html).toContain('Your card was declined.');
    expect(html).toContain('href="http://localhost:3000/billing?canceled=1"');
    await emu.waitForWebhooks();
    expect(hook.events).toHaveLength(0);
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'open', subscription: null });
    expect((await stripe.subscriptions.list({ status: 'all' })).data).toHaveLength(0);
  });

  it('pay declines when the customer is set to fail payments', async () => {
    const price = await proPrice();
    const customer = await stripe.customers.create({ email: 'x@y.test' });
    emu.failPayments(customer.id, true);
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', customer: customer.id, line_items: [{ price: price.id, quantity: 1 }], success_url: 'http://localhost:3000/ok' });
    const res = await fetch(`${session.url}/pay`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(402);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
  });
  it('expires an open session (which then cannot be paid) and lists sessions by status', async () => {
    const price = await proPrice();
    const customer = await stripe.customers.create({ email: 'x@y.test' });
    const create = () => stripe.checkout.sessions.create({ mode: 'subscription', customer: customer.id, line_items: [{ price: price.id, quantity: 1 }], success_url: 'http://localhost:3000/ok' });
    const [older, newer] = [await create(), await create()];
    expect(await stripe.checkout.sessions.expire(older.id)).toMatchObject({ id: older.id, status: 'expired', url: null });
    await expectStripeError(stripe.checkout.sessions.expire(older.id), 400, 'checkout_session_not_open');
    expect((await fetch(`${older.url}/pay`, { method: 'POST', redirect: 'manual' })).status).not.toBe(303);
    expect((await stripe.checkout.sessions.list({ customer: customer.id, status: 'open' })).data.map((s) => s.id)).toEqual([newer.id]);
    await emu.waitForWebhooks();
    expect(types()).toEqual(['checkout.session.expired']);
  });
});

describe('subscriptions, renewals and the portal', () => {
  it('changes plan and cancels at period end; the clock ends it', async () => {
    const { subscription } = await subscribe();
    const biz = await proPrice('biz_monthly', 9900);
    hook.events.length = 0;
    const itemId = subscription.items.data[0]?.id ?? '';
    const changed = await stripe.subscriptions.update(subscription.id, { items: [{ id: itemId, price: biz.id }], proration_behavior: 'none', metadata: { plan: 'business' } });
    expect(changed.items.data.map((i) => i.price.id)).toEqual([biz.id]);
    expect(changed.metadata).toEqual({ tenantId: 'tenant_1', plan: 'business' });
    const canceled = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(canceled).toMatchObject({ cancel_at_period_end: true, status: 'active', cancel_at: periodEnd(subscription) });
    await emu.waitForWebhooks();
    expect(types()).toEqual(['customer.subscription.updated', 'customer.subscription.updated']);
    const prev = hook.events[0]?.data.previous_attributes as { items: Stripe.ApiList<Stripe.SubscriptionItem> };
    expect(prev.items.data[0]?.price.id).not.toBe(biz.id);

    const { renewed } = emu.advanceTime(32 * DAY);
    expect(renewed).toBe(1);
    await emu.waitForWebhooks();
    expect(types().at(-1)).toBe('customer.subscription.deleted');
    expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({ status: 'canceled', ended_at: periodEnd(subscription) });
    expect((await stripe.subscriptions.list()).data).toHaveLength(0);
    expect((await stripe.subscriptions.list({ status: 'all' })).data).toHaveLength(1);
  });

  it('DELETE cancels immediately and a second cancel fails', async () => {
    const { subscription } = await subscribe();
    hook.events.length = 0;
    expect((await stripe.subscriptions.cancel(subscription.id)).status).toBe('canceled');
    await emu.waitForWebhooks();
    expect(types()).toEqual(['customer.subscription.deleted']);
    await expectStripeError(stripe.subscriptions.cancel(subscription.id), 400);
  });

  it('DELETE with prorate and invoice_now credits the unused time to the customer balance, used by the next invoice', async () => {
    const { customer, subscription } = await subscribe();
    emu.advanceTime(Math.round((periodEnd(subscription) - subscription.created) / 2));
    hook.events.length = 0;
    const canceled = await stripe.subscriptions.cancel(subscription.id, { prorate: true, invoice_now: true });
    expect(canceled.status).toBe('canceled');
    const final = await stripe.invoices.retrieve(String(canceled.latest_invoice));
    // About half of the 29.00 month was unused.
    expect(final.total).toBeLessThan(-1400);
    expect(final.total).toBeGreaterThan(-1500);
    expect(final).toMatchObject({ amount_due: 0, status: 'paid', starting_balance: 0, ending_balance: final.total });
    expect(final.lines.data[0]?.parent?.subscription_item_details?.proration).toBe(true);
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ balance: final.total });
    await emu.waitForWebhooks();
    expect(types()).toEqual(['invoice.paid', 'invoice.payment_succeeded', 'customer.subscription.deleted']);
  });

  it('renews with a paid invoice, or goes past_due when payments fail and recovers on pay', async () => {
    const { customer, subscription } = await subscribe();
    hook.events.length = 0;
    emu.advanceTime(32 * DAY);
    await emu.waitForWebhooks();
    expect(types()).toEqual(['invoice.paid', 'invoice.payment_succeeded', 'customer.subscription.updated']);
    const renewed = await stripe.subscriptions.retrieve(subscription.id);
    expect(renewed.status).toBe('active');
    expect(renewed.items.data[0]?.current_period_start).toBe(periodEnd(subscription));
    expect(periodEnd(renewed)).toBeGreaterThan(periodEnd(subscription));
    expect((await stripe.invoices.list({ subscription: subscription.id })).data.map((i) => i.billing_reason)).toEqual(['subscription_cycle', 'subscription_create']);

    hook.events.length = 0;
    emu.failPayments(customer.id, true);
    emu.advanceTime(32 * DAY);
    await emu.waitForWebhooks();
    expect(types()).toEqual(['invoice.payment_failed', 'customer.subscription.updated']);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
    const open = await stripe.invoices.list({ customer: customer.id, status: 'open' });
    expect(open.data).toHaveLength(1);
    expect(open.data[0]).toMatchObject({ amount_paid: 0, amount_remaining: 2900 });

    hook.events.length = 0;
    expect(emu.payOpenInvoices(customer.id)).toEqual([open.data[0]?.id]);
    await emu.waitForWebhooks();
    expect(types()).toEqual(['invoice.paid', 'invoice.payment_succeeded', 'customer.subscription.updated']);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
    expect((await stripe.invoices.retrieve(open.data[0]?.id ?? '')).status).toBe('paid');
  });

  it('billing portal page cancels at period end and links back', async () => {
    const { customer, subscription } = await subscribe();
    hook.events.length = 0;
    const portal = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'http://localhost:3000/dashboard/shop/billing' });
    expect(portal.url).toBe(`${emu.url}/portal/${portal.id}`);
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain('Cancel at period end');
    expect(html).toContain('href="http://localhost:3000/dashboard/shop/billing">Return</a>');
    const res = await fetch(`${portal.url}/subscriptions/${subscription.id}/cancel`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    expect((await stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(true);
    await emu.waitForWebhooks();
    expect(types()).toEqual(['customer.subscription.updated']);
    await expectStripeError(stripe.billingPortal.sessions.create({ customer: 'cus_nope' }), 404, 'resource_missing');
  });
});

describe('usage (meter events)', () => {
  it('records meter events, rejects duplicate identifiers within 24h and bills usage on renewal', async () => {
    const meter = await stripe.billing.meters.create({ display_name: 'Storefront visits', event_name: 'souk_visits', default_aggregation: { formula: 'sum' } });
    const metered = await stripe.prices.create({ unit_amount: 2, currency: 'usd', recurring: { interval: 'month', usage_type: 'metered', meter: meter.id }, product_data: { name: 'Visits' }, lookup_key: 'visits' });
    const base = await proPrice();
    const { customer, subscription } = await subscribe([{ price: base.id, quantity: 1 }, { price: metered.id }]);
    const ev = await stripe.billing.meterEvents.create({ event_name: 'souk_visits', payload: { stripe_customer_id: customer.id, value: '150' }, identifier: 'tenant_1:2026-01:visits', timestamp: emu.now() });
    expect(ev).toMatchObject({ object: 'billing.meter_event', identifier: 'tenant_1:2026-01:visits', payload: { value: '150' } });
    await stripe.billing.meterEvents.create({ event_name: 'souk_visits', payload: { stripe_customer_id: customer.id, value: '50' }, identifier: 'b', timestamp: emu.now() });
    const dup = await expectStripeError(stripe.billing.meterEvents.create({ event_name: 'souk_visits', payload: { stripe_customer_id: customer.id, value: '1' }, identifier: 'b' }), 400);
    expect(dup).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(dup.message).toContain('An event already exists with identifier b');
    await expectStripeError(stripe.billing.meterEvents.create({ event_name: 'souk_visits', payload: { value: '1' } as unknown as Record<string, string> }), 400, 'parameter_missing');
    expect(emu.meterEvents()).toHaveLength(2);
    const listed = (await (await fetch(`${emu.url}/_emulator/meter-events?customer=${customer.id}`)).json()) as { data: unknown[] };
    expect(listed.data).toHaveLength(2);

    emu.advanceTime(32 * DAY);
    const invoices = await stripe.invoices.list({ subscription: subscription.id });
    const cycle = invoices.data[0];
    expect(cycle?.billing_reason).toBe('subscription_cycle');
    expect(cycle?.amount_due).toBe(2900 + 200 * 2);
    expect(cycle?.lines.data.map((l) => l.amount).sort((a, b) => a - b)).toEqual([400, 2900]);
    // after 24h an identifier may be reused
    await stripe.billing.meterEvents.create({ event_name: 'souk_visits', payload: { stripe_customer_id: customer.id, value: '1' }, identifier: 'b' });
  });

  it('takes a sub-cent metered price as unit_amount_decimal and bills its usage in whole cents', async () => {
    const meter = await stripe.billing.meters.create({ display_name: 'API calls', event_name: 'souk_calls', default_aggregation: { formula: 'sum' } });
    const recurring = { interval: 'month', usage_type: 'metered', meter: meter.id } as const;
    const price = await stripe.prices.create({ unit_amount_decimal: Stripe.Decimal.from('0.25'), currency: 'usd', recurring, product_data: { name: 'API calls' } });
    expect(price.unit_amount).toBeNull();
    expect(String(price.unit_amount_decimal)).toBe('0.25');
    await expectStripeError(stripe.prices.create({ unit_amount: 1, unit_amount_decimal: Stripe.Decimal.from('1'), currency: 'usd', recurring, product_data: { name: 'x' } }), 400, 'parameter_invalid');
    const { customer, subscription } = await subscribe([{ price: (await proPrice()).id, quantity: 1 }, { price: price.id }]);
    await stripe.billing.meterEvents.create({ event_name: 'souk_calls', payload: { stripe_customer_id: customer.id, value: '1000' }, timestamp: emu.now() });
    emu.advanceTime(32 * DAY);
    const [cycle] = (await stripe.invoices.list({ subscription: subscription.id })).data;
    expect(cycle?.lines.data.map((l) => l.amount).sort((a, b) => a - b)).toEqual([250, 2900]);
  });
});

describe('webhook delivery controls', () => {
  it('drops the next webhooks; state is still readable for reconcile; replay redelivers', async () => {
    const { subscription } = await subscribe();
    hook.events.length = 0;
    emu.dropNextWebhooks(1);
    await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await emu.waitForWebhooks();
    expect(hook.events).toHaveLength(0);
    const dropped = emu.events().at(-1);
    expect(dropped).toMatchObject({ type: 'customer.subscription.updated', objectId: subscription.id, delivery: { state: 'dropped' } });
    expect((await stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(true);
    emu.replayEvent(dropped?.id ?? '');
    emu.replayEvent(dropped?.id ?? '');
    await emu.waitForWebhooks();
    expect(hook.events.map((e) => e.id)).toEqual([dropped?.id, dropped?.id]);
  });

  it('holds and releases in reverse order, optionally duplicated', async () => {
    emu.holdWebhooks();
    await subscribe();
    expect(hook.events).toHaveLength(0);
    const created = emu.events().map((e) => e.id);
    expect(emu.events().every((e) => e.delivery.state === 'held')).toBe(true);
    expect(emu.releaseWebhooks({ order: 'reverse', duplicate: true })).toBe(8);
    await emu.waitForWebhooks();
    const reversed = [...created].reverse();
    expect(hook.events.map((e) => e.id)).toEqual([...reversed, ...reversed]);
  });

  it('retries non-2xx responses and gives up on an unreachable endpoint without crashing', async () => {
    const { subscription } = await subscribe();
    hook.failNext = 2;
    await stripe.subscriptions.update(subscription.id, { metadata: { retry: '1' } });
    await emu.waitForWebhooks();
    const retried = emu.events().at(-1);
    expect(retried?.delivery.state).toBe('delivered');
    expect(retried?.delivery.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(hook.events.at(-1)?.id).toBe(retried?.id);

    emu.setWebhookUrl('http://127.0.0.1:9/unreachable');
    await stripe.subscriptions.update(subscription.id, { metadata: { x: '1' } });
    await emu.waitForWebhooks();
    const last = emu.events().at(-1);
    expect(last?.delivery.state).toBe('failed');
    expect(last?.delivery.attempts).toHaveLength(4);
    expect(last?.delivery.attempts.every((a) => !a.ok && typeof a.error === 'string')).toBe(true);
    expect(await (await fetch(`${emu.url}/_emulator/health`)).json()).toMatchObject({ ok: true });
  });
});

describe('HTTP controls', () => {
  it('drives the emulator over /_emulator/*', async () => {
    const { customer, subscription } = await subscribe();
    const post = async (path: string, body: unknown = {}) => {
      const res = await fetch(`${emu.url}/_emulator/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    };
    await post(`customers/${customer.id}/fail-payments`, { fail: true });
    const before = emu.now();
    const adv = await post('advance-time', { seconds: 32 * DAY });
    expect(adv.now).toBeGreaterThanOrEqual(before + 32 * DAY);
    expect(adv.renewed).toBe(1);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
    expect((await post(`customers/${customer.id}/pay`)).paid).toHaveLength(1);
    await post('webhooks/drop', { count: 1 });
    await post('webhooks/hold');
    await stripe.subscriptions.update(subscription.id, { metadata: { a: '1' } });
    await stripe.subscriptions.update(subscription.id, { metadata: { b: '2' } });
    expect((await post('webhooks/release', { order: 'as-is' })).released).toBe(1);
    await post('webhooks/wait');
    const events = (await (await fetch(`${emu.url}/_emulator/events?type=customer.subscription.updated`)).json()) as { data: { id: string; delivery: { state: string } }[] };
    expect(events.data.map((e) => e.delivery.state).slice(-2)).toEqual(['dropped', 'delivered']);
    const dropped = events.data.at(-2)?.id ?? '';
    await post(`events/${dropped}/replay`);
    await post('webhooks/wait');
    expect(hook.events.at(-1)?.id).toBe(dropped);
    const bad = await fetch(`${emu.url}/_emulator/customers/cus_nope/pay`, { method: 'POST' });
    expect(bad.status).toBe(404);
    await post('reset');
    await expectStripeError(stripe.customers.retrieve(customer.id), 404, 'resource_missing');
    expect(((await (await fetch(`${emu.url}/_emulator/events`)).json()) as { data: unknown[] }).data).toHaveLength(0);
  });
});

describe('CLI', () => {
  it('prints the listening line and stops cleanly on SIGTERM', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/stripe-emulator/main.ts'], { cwd: root, env: { ...process.env, STRIPE_EMULATOR_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const m = /^stripe emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
    expect(m).not.toBeNull();
    expect(await (await fetch(`${m?.[1] ?? ''}/_emulator/health`)).json()).toMatchObject({ ok: true });
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  }, 20_000);
});
