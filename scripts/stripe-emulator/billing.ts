// Checkout, subscriptions, invoices, the billing portal and the renewal clock.
import {
  addInterval,
  clone,
  describePrice,
  invoiceSubscription,
  periodOf,
  type CheckoutLineItem,
  type CheckoutSession,
  type Invoice,
  type InvoiceLine,
  type PortalSession,
  type Subscription,
  type SubscriptionItem,
  type SubscriptionStatus,
  unitAmount,
} from './objects';
import type { Store } from './store';
import { ApiError, badParam, bool, int, mergeMetadata, missing, newId, obj, objList, reqStr, str, type FormObject } from './wire';

type LineInput = { item: SubscriptionItem; amount: number; quantity: number; start: number; end: number; proration?: boolean };
export type PayResult = { paid: true; redirect: string } | { paid: false };

const RENEWING: readonly SubscriptionStatus[] = ['active', 'past_due', 'trialing'];

export class Billing {
  constructor(private readonly s: Store) {}

  // ---- checkout ----

  session(id: string): CheckoutSession {
    const cs = this.s.sessions.get(id);
    if (!cs) throw missing('checkout.session', id);
    return cs;
  }

  createCheckoutSession(p: FormObject): CheckoutSession {
    const mode = reqStr(p, 'mode');
    if (mode !== 'subscription') throw badParam('mode', `The emulator only supports mode=subscription (got '${mode}').`);
    const customer = str(p, 'customer');
    if (customer) this.s.customer(customer, 'customer');
    const inputs = objList(p, 'line_items');
    if (inputs.length === 0) throw new ApiError(400, 'Missing required param: line_items.', 'parameter_missing', 'line_items');
    const id = newId('cs_test', 40);
    const items: CheckoutLineItem[] = inputs.map((li, i) => {
      const price = this.s.price(reqStr(li, 'price', `line_items[${i}][price]`), `line_items[${i}][price]`);
      if (!price.recurring) throw badParam(`line_items[${i}][price]`, 'In subscription mode, every price must be recurring.');
      const metered = price.recurring.usage_type === 'metered';
      const quantity = metered ? null : (int(li, 'quantity', `line_items[${i}][quantity]`) ?? 1);
      const amount = Math.round(unitAmount(price) * (quantity ?? 0));
      return { id: newId('li', 24), object: 'item', amount_subtotal: amount, amount_total: amount, currency: price.currency, description: this.s.product(price.product).name, price: clone(price), quantity };
    });
    const total = items.reduce((sum, li) => sum + li.amount_total, 0);
    const now = this.s.now();
    const cs: CheckoutSession = {
      id,
      object: 'checkout.session',
      created: now,
      livemode: false,
      mode: 'subscription',
      status: 'open',
      payment_status: 'unpaid',
      url: `${this.s.publicUrl()}/checkout/${id}`,
      success_url: reqStr(p, 'success_url'),
      cancel_url: str(p, 'cancel_url') ?? null,
      customer: customer ?? null,
      customer_email: str(p, 'customer_email') ?? null,
      customer_details: null,
      allowed_payment_method_types: null,
      client_reference_id: str(p, 'client_reference_id') ?? null,
      metadata: mergeMetadata({}, p),
      subscription: null,
      invoice: null,
      currency: items[0]?.currency ?? 'usd',
      amount_subtotal: total,
      amount_total: total,
      expires_at: now + 86_400,
    };
    this.s.sessions.set(id, cs);
    this.s.sessionExtras.set(id, { items, subscriptionMetadata: mergeMetadata({}, obj(p, 'subscription_data') ?? {}) });
    return cs;
  }

  /** `POST /v1/checkout/sessions/:id/expire`: an open session can no longer be paid. */
  expireCheckoutSession(id: string): CheckoutSession {
    const cs = this.session(id);
    if (cs.status !== 'open') {
      throw new ApiError(400, `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${cs.status}".`, 'checkout_session_not_open');
    }
    Object.assign(cs, { status: 'expired', url: null });
    this.s.emit('checkout.session.expired', cs);
    return cs;
  }

  listSessions(p: FormObject): CheckoutSession[] {
    const [customer, status] = [str(p, 'customer'), str(p, 'status')];
    return [...this.s.sessions.values()].filter((s) => (!customer || s.customer === customer) && (!status || s.status === status));
  }

  lineItems(sessionId: string): CheckoutLineItem[] {
    this.session(sessionId);
    return this.s.sessionExtras.get(sessionId)?.items ?? [];
  }

  /** The "Pay" button: subscription + paid invoice, then the completion webhooks. */
  payCheckout(id: string): PayResult {
    const cs = this.session(id);
    if (cs.status !== 'open') throw new ApiError(400, 'This Checkout Session is no longer active.', 'checkout_session_not_open');
    if (cs.customer && this.s.failing.has(cs.customer)) return { paid: false };
    const customer = cs.customer ?? this.s.createCustomer(cs.customer_email ? { email: cs.customer_email } : {}).id;
    const now = this.s.now();
    const first = this.lineItems(id)[0]?.price.recurring;
    const end = addInterval(now, first?.interval ?? 'month', first?.interval_count ?? 1);
    const subId = newId('sub', 24);
    const items: SubscriptionItem[] = this.lineItems(id).map((li) => ({
      id: newId('si', 14),
      object: 'subscription_item',
      created: now,
      subscription: subId,
      price: clone(li.price),
      ...(li.quantity === null ? {} : { quantity: li.quantity }),
      metadata: {},
      current_period_start: now,
      current_period_end: end,
      current_trial: null,
      discounts: [],
      tax_rates: [],
    }));
    const sub: Subscription = {
      id: subId,
      object: 'subscription',
      created: now,
      livemode: false,
      customer,
      status: 'active',
      items: { object: 'list', data: items, has_more: false, total_count: items.length, url: `/v1/subscription_items?subscription=${subId}` },
      billing_cycle_anchor: now,
      billing_mode: { flexible: null, type: 'classic' },
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
      start_date: now,
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      ended_at: null,
      cancellation_details: { reason: null, comment: null, feedback: null },
      collection_method: 'charge_automatically',
      currency: cs.currency,
      latest_invoice: null,
      metadata: clone(this.s.sessionExtras.get(id)?.subscriptionMetadata ?? {}),
      trial_start: null,
      trial_end: null,
      test_clock: null,
    };
    this.s.subscriptions.set(sub.id, sub);
    const lines = items.map((item) => this.licensedLine(item, now, end));
    const invoice = this.createInvoice(sub, 'subscription_create', now, now, lines, now, true);
    sub.latest_invoice = invoice.id;
    const payer = this.s.customer(customer);
    const customerDetails = { address: null, business_name: null, email: payer.email, individual_name: null, name: payer.name, phone: null, tax_exempt: 'none' as const, tax_ids: [] as [] };
    Object.assign(cs, { status: 'complete', payment_status: 'paid', customer, customer_details: customerDetails, subscription: sub.id, invoice: invoice.id, url: null });
    this.s.emit('customer.subscription.created', sub);
    this.emitPaid(invoice);
    this.s.emit('checkout.session.completed', cs);
    return { paid: true, redirect: cs.success_url.replaceAll('{CHECKOUT_SESSION_ID}', cs.id) };
  }

  private licensedLine(item: SubscriptionItem, start: number, end: number): LineInput {
    const quantity = item.price.recurring?.usage_type === 'metered' ? 0 : (item.quantity ?? 1);
    return { item, amount: Math.round(unitAmount(item.price) * quantity), quantity, start, end };
  }

  // ---- invoices ----

  invoice(id: string): Invoice {
    const inv = this.s.invoices.get(id);
    if (!inv) throw missing('invoice', id);
    return inv;
  }

  listInvoices(p: FormObject): Invoice[] {
    const [customer, subscription, status] = [str(p, 'customer'), str(p, 'subscription'), str(p, 'status')];
    return [...this.s.invoices.values()].filter(
      (i) => (!customer || i.customer === customer) && (!subscription || invoiceSubscription(i) === subscription) && (!status || i.status === status),
    );
  }

  private createInvoice(sub: Subscription, reason: Invoice['billing_reason'], start: number, end: number, inputs: LineInput[], created: number, paid: boolean): Invoice {
    const id = newId('in', 24);
    const lines: InvoiceLine[] = inputs.map(({ item, amount, quantity, start: ls, end: le, proration = false }) => ({
      id: newId('il', 24),
      object: 'line_item',
      amount,
      currency: item.price.currency,
      description: proration ? `Unused time on ${quantity} × ${this.s.product(item.price.product).name}` : `${quantity} × ${this.s.product(item.price.product).name} (at ${describePrice(item.price)})`,
      invoice: id,
      livemode: false,
      metadata: {},
      period: { start: ls, end: le },
      quantity,
      subscription: sub.id,
      pricing: { type: 'price_details', price_details: { price: item.price.id, product: item.price.product }, unit_amount_decimal: item.price.unit_amount_decimal },
      parent: { type: 'subscription_item_details', subscription_item_details: { subscription: sub.id, subscription_item: item.id, proration, invoice_item: null } },
    }));
    const total = lines.reduce((sum, l) => sum + l.amount, 0);
    const customer = this.s.customer(sub.customer);
    // The customer's balance (negative: credit) is applied when the invoice is finalized; a
    // negative total is not paid out but left on the balance for the next invoices.
    const startingBalance = customer.balance;
    const due = Math.max(0, total + startingBalance);
    customer.balance = Math.min(0, total + startingBalance);
    const inv: Invoice = {
      id,
      object: 'invoice',
      created,
      livemode: false,
      customer: sub.customer,
      customer_email: customer.email,
      parent: { type: 'subscription_details', subscription_details: { subscription: sub.id, metadata: clone(sub.metadata) }, quote_details: null },
      status: paid ? 'paid' : 'open',
      billing_reason: reason,
      collection_method: 'charge_automatically',
      currency: sub.currency,
      amount_due: due,
      amount_paid: paid ? due : 0,
      amount_remaining: paid ? 0 : due,
      starting_balance: startingBalance,
      ending_balance: customer.balance,
      subtotal: total,
      total,
      attempt_count: 1,
      attempted: true,
      period_start: start,
      period_end: end,
      number: `${customer.invoice_prefix}-${String(++this.s.invoiceSeq).padStart(4, '0')}`,
      hosted_invoice_url: `${this.s.publicUrl()}/invoices/${id}`,
      invoice_pdf: null,
      metadata: {},
      status_transitions: { finalized_at: created, paid_at: paid ? created : null, voided_at: null, marked_uncollectible_at: null },
      automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
      discounts: [],
      lines: { object: 'list', data: lines, has_more: false, total_count: lines.length, url: `/v1/invoices/${id}/lines` },
    };
    this.s.invoices.set(id, inv);
    return inv;
  }

  private emitPaid(inv: Invoice, at = this.s.now()): void {
    this.s.emit('invoice.paid', inv, undefined, at);
    this.s.emit('invoice.payment_succeeded', inv, undefined, at);
  }

  // ---- subscriptions ----

  subscription(id: string): Subscription {
    const sub = this.s.subscriptions.get(id);
    if (!sub) throw missing('subscription', id);
    return sub;
  }

  listSubscriptions(p: FormObject): Subscription[] {
    const [customer, status, price] = [str(p, 'customer'), str(p, 'status'), str(p, 'price')];
    return [...this.s.subscriptions.values()].filter(
      (s) =>
        (!customer || s.customer === customer) &&
        (status === 'all' || (status ? s.status === status : s.status !== 'canceled')) &&
        (!price || s.items.data.some((i) => i.price.id === price)),
    );
  }

  updateSubscription(id: string, p: FormObject): Subscription {
    const sub = this.subscription(id);
    const prev: Record<string, unknown> = {};
    const itemInputs = objList(p, 'items');
    if (sub.status === 'canceled' && (itemInputs.length > 0 || p.cancel_at_period_end !== undefined)) {
      throw new ApiError(400, 'A canceled subscription can only update its cancellation_details and metadata.', 'subscription_canceled');
    }
    const proration = str(p, 'proration_behavior');
    if (proration && !['create_prorations', 'none', 'always_invoice'].includes(proration)) {
      throw badParam('proration_behavior', 'Invalid proration_behavior: must be one of create_prorations, none, or always_invoice');
    }
    if (itemInputs.length > 0) {
      const before = clone(sub.items);
      const next = [...sub.items.data];
      itemInputs.forEach((input, i) => this.applyItemChange(sub, next, input, i));
      if (next.length === 0) throw badParam('items', 'A subscription must have at least one item.');
      sub.items.data = next;
      sub.items.total_count = next.length;
      sub.currency = next[0]?.price.currency ?? sub.currency;
      prev.items = before;
    }
    const cancel = bool(p, 'cancel_at_period_end');
    if (cancel !== undefined && cancel !== sub.cancel_at_period_end) {
      Object.assign(prev, { cancel_at_period_end: sub.cancel_at_period_end, cancel_at: sub.cancel_at, canceled_at: sub.canceled_at, cancellation_details: clone(sub.cancellation_details) });
      sub.cancel_at_period_end = cancel;
      sub.cancel_at = cancel ? periodOf(sub).end : null;
      sub.canceled_at = cancel ? this.s.now() : null;
      sub.cancellation_details = { reason: cancel ? 'cancellation_requested' : null, comment: null, feedback: null };
    }
    const metadata = mergeMetadata(sub.metadata, p);
    if (JSON.stringify(metadata) !== JSON.stringify(sub.metadata)) {
      prev.metadata = sub.metadata;
      sub.metadata = metadata;
    }
    if (Object.keys(prev).length > 0) this.s.emit('customer.subscription.updated', sub, prev);
    return sub;
  }

  private applyItemChange(sub: Subscription, items: SubscriptionItem[], input: FormObject, i: number): void {
    const param = `items[${i}]`;
    const itemId = str(input, 'id');
    const priceId = str(input, 'price');
    const price = priceId ? this.s.price(priceId, `${param}[price]`) : undefined;
    if (price && !price.recurring) throw badParam(`${param}[price]`, 'The price specified is not recurring.');
    const quantity = int(input, 'quantity', `${param}[quantity]`);
    if (!itemId) {
      if (!price) throw new ApiError(400, `Missing required param: ${param}[price].`, 'parameter_missing', `${param}[price]`);
      const item: SubscriptionItem = {
        id: newId('si', 14),
        object: 'subscription_item',
        created: this.s.now(),
        subscription: sub.id,
        price: clone(price),
        metadata: mergeMetadata({}, input),
        current_period_start: periodOf(sub).start,
        current_period_end: periodOf(sub).end,
        current_trial: null,
        discounts: [],
        tax_rates: [],
      };
      if (price.recurring?.usage_type === 'metered') delete item.quantity;
      else item.quantity = quantity ?? 1;
      items.push(item);
      return;
    }
    const idx = items.findIndex((it) => it.id === itemId);
    const item = items[idx];
    if (!item) throw badParam(`${param}[id]`, `Invalid subscription_item id: ${itemId}`);
    if (bool(input, 'deleted')) {
      items.splice(idx, 1);
      return;
    }
    if (price) item.price = clone(price);
    if (item.price.recurring?.usage_type === 'metered') delete item.quantity;
    else item.quantity = quantity ?? item.quantity ?? 1;
    item.metadata = mergeMetadata(item.metadata, input);
  }

  /**
   * `DELETE /v1/subscriptions/:id`. With `prorate`, the unused time of the licensed items
   * becomes a credit line; with `invoice_now`, that credit is invoiced at once: a negative
   * total, which Stripe moves to the customer's balance for its next invoices.
   */
  cancelSubscription(id: string, p: FormObject = {}): Subscription {
    const sub = this.subscription(id);
    if (sub.status === 'canceled') throw new ApiError(400, `This subscription (${id}) has already been canceled.`, 'subscription_canceled');
    const now = this.s.now();
    const prorate = bool(p, 'prorate') ?? false;
    const invoiceNow = bool(p, 'invoice_now') ?? false;
    Object.assign(sub, { status: 'canceled', canceled_at: now, ended_at: now, cancellation_details: { reason: 'cancellation_requested', comment: null, feedback: null } });
    if (prorate && invoiceNow) {
      const credits = sub.items.data
        .filter((item) => item.price.recurring?.usage_type !== 'metered' && item.current_period_end > now)
        .map((item) => {
          const unused = (item.current_period_end - now) / Math.max(1, item.current_period_end - item.current_period_start);
          const full = this.licensedLine(item, now, item.current_period_end);
          return { ...full, amount: -Math.round(full.amount * unused), proration: true };
        })
        .filter((l) => l.amount !== 0);
      if (credits.length > 0) {
        const inv = this.createInvoice(sub, 'subscription_update', now, now, credits, now, true);
        sub.latest_invoice = inv.id;
        this.emitPaid(inv, now);
      }
    }
    this.s.emit('customer.subscription.deleted', sub);
    return sub;
  }

  // ---- billing portal ----

  createPortalSession(p: FormObject): PortalSession {
    const customer = this.s.customer(reqStr(p, 'customer'), 'customer').id;
    const id = newId('bps', 24);
    const ps: PortalSession = { id, object: 'billing_portal.session', created: this.s.now(), livemode: false, configuration: 'bpc_emulator', customer, return_url: str(p, 'return_url') ?? null, url: `${this.s.publicUrl()}/portal/${id}`, locale: null, on_behalf_of: null, flow: null };
    this.s.portals.set(id, ps);
    return ps;
  }

  portal(id: string): PortalSession {
    const ps = this.s.portals.get(id);
    if (!ps) throw missing('billing_portal.session', id);
    return ps;
  }

  portalSetCancel(portalId: string, subId: string, cancel: boolean): Subscription {
    const sub = this.subscription(subId);
    if (sub.customer !== this.portal(portalId).customer) throw missing('subscription', subId);
    return this.updateSubscription(subId, { cancel_at_period_end: String(cancel) });
  }

  // ---- test controls ----

  failPayments(customerId: string, fail: boolean): void {
    this.s.customer(customerId);
    if (fail) this.s.failing.add(customerId);
    else this.s.failing.delete(customerId);
  }

  payOpenInvoices(customerId: string): string[] {
    this.s.customer(customerId);
    const now = this.s.now();
    const open = [...this.s.invoices.values()].filter((i) => i.customer === customerId && i.status === 'open');
    for (const inv of open) {
      Object.assign(inv, { status: 'paid', amount_paid: inv.amount_due, amount_remaining: 0, attempt_count: inv.attempt_count + 1 });
      inv.status_transitions.paid_at = now;
      this.emitPaid(inv, now);
    }
    for (const subId of new Set(open.map(invoiceSubscription))) {
      const sub = this.s.subscriptions.get(subId);
      if (sub?.status === 'past_due') {
        sub.status = 'active';
        this.s.emit('customer.subscription.updated', sub, { status: 'past_due' });
      }
    }
    return open.map((i) => i.id);
  }

  /** Renews (or ends) every subscription whose period ended, in chronological order. */
  runClock(): number {
    let renewed = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      const now = this.s.now();
      const due = [...this.s.subscriptions.values()]
        .filter((s) => RENEWING.includes(s.status) && periodOf(s).end <= now)
        .sort((a, b) => periodOf(a).end - periodOf(b).end)[0];
      if (!due) break;
      this.renew(due);
      renewed++;
    }
    return renewed;
  }

  private renew(sub: Subscription): void {
    const { start: oldStart, end: at } = periodOf(sub);
    if (sub.cancel_at_period_end) {
      Object.assign(sub, { status: 'canceled', ended_at: at });
      this.s.emit('customer.subscription.deleted', sub, undefined, at);
      return;
    }
    const rec = sub.items.data[0]?.price.recurring;
    let n = 1;
    let end = addInterval(sub.billing_cycle_anchor, rec?.interval ?? 'month', rec?.interval_count ?? 1);
    while (end <= at) end = addInterval(sub.billing_cycle_anchor, rec?.interval ?? 'month', (rec?.interval_count ?? 1) * ++n);
    const lines = sub.items.data.map((item) => {
      if (item.price.recurring?.usage_type !== 'metered') return this.licensedLine(item, at, end);
      const used = Math.round(this.s.usage(item.price, sub.customer, oldStart, at));
      return { item, amount: Math.round(used * unitAmount(item.price)), quantity: used, start: oldStart, end: at };
    });
    const prev: Record<string, unknown> = { latest_invoice: sub.latest_invoice, items: clone(sub.items) };
    for (const item of sub.items.data) Object.assign(item, { current_period_start: at, current_period_end: end });
    const failing = this.s.failing.has(sub.customer);
    const inv = this.createInvoice(sub, 'subscription_cycle', oldStart, at, lines, at, !failing);
    sub.latest_invoice = inv.id;
    const status: SubscriptionStatus = failing ? 'past_due' : 'active';
    if (status !== sub.status) prev.status = sub.status;
    sub.status = status;
    if (failing) {
      inv.status_transitions.finalized_at = at;
      this.s.emit('invoice.payment_failed', inv, undefined, at);
    } else this.emitPaid(inv, at);
    this.s.emit('customer.subscription.updated', sub, prev, at);
  }
}
