// Stripe-shaped object types kept by the emulator (a subset of the real fields).
export const API_VERSION = '2026-10-28.endive';

export type Metadata = Record<string, string>;
export type ListOf<T> = { object: 'list'; data: T[]; has_more: boolean; url: string };

type Base = { id: string; created: number; livemode: false };

export type Customer = Base & {
  object: 'customer';
  email: string | null;
  name: string | null;
  description: string | null;
  phone: string | null;
  metadata: Metadata;
  currency: string | null;
  delinquent: boolean;
  balance: number;
  invoice_prefix: string;
  invoice_settings: { default_payment_method: string | null; custom_fields: null; footer: null };
  shipping: null;
  default_source: null;
};

export type Product = Base & {
  object: 'product';
  active: boolean;
  name: string;
  description: string | null;
  metadata: Metadata;
  default_price: string | null;
  type: 'service';
  tax_details: null;
  updated: number;
};

export type Recurring = {
  interval: 'day' | 'week' | 'month' | 'year';
  interval_count: number;
  usage_type: 'licensed' | 'metered';
  meter: string | null;
  aggregate_usage: null;
  trial_period_days: null;
};

export type Price = Base & {
  object: 'price';
  active: boolean;
  billing_scheme: 'per_unit';
  currency: string;
  lookup_key: string | null;
  metadata: Metadata;
  nickname: string | null;
  product: string;
  recurring: Recurring | null;
  tax_behavior: 'unspecified';
  type: 'one_time' | 'recurring';
  /** null when the price is a fraction of a minor unit (see unit_amount_decimal). */
  unit_amount: number | null;
  unit_amount_decimal: string;
};

export type Meter = Base & {
  object: 'billing.meter';
  display_name: string;
  event_name: string;
  status: 'active';
  status_transitions: { deactivated_at: number | null };
  default_aggregation: { formula: string };
  customer_mapping: { event_payload_key: string; type: 'by_id' };
  value_settings: { event_payload_key: string };
  updated: number;
};

export type MeterEvent = {
  object: 'billing.meter_event';
  created: number;
  event_name: string;
  identifier: string;
  livemode: false;
  payload: Record<string, string>;
  timestamp: number;
};

// Stripe sends no livemode on subscription items.
export type SubscriptionItem = Omit<Base, 'livemode'> & {
  object: 'subscription_item';
  subscription: string;
  price: Price;
  quantity?: number;
  metadata: Metadata;
  current_period_start: number;
  current_period_end: number;
  current_trial: null;
  discounts: string[];
  tax_rates: [];
};

export type SubscriptionStatus = 'active' | 'past_due' | 'canceled' | 'incomplete' | 'trialing' | 'unpaid';

export type Subscription = Base & {
  object: 'subscription';
  customer: string;
  status: SubscriptionStatus;
  // Since API 2025-03-31 the billing period lives on each item, not on the subscription.
  items: ListOf<SubscriptionItem> & { total_count: number };
  billing_cycle_anchor: number;
  billing_mode: { flexible: null; type: 'classic' };
  automatic_tax: { disabled_reason: null; enabled: false; liability: null };
  invoice_settings: { account_tax_ids: null; custom_fields: null; description: null; footer: null; issuer: { type: 'self' } };
  start_date: number;
  cancel_at_period_end: boolean;
  cancel_at: number | null;
  canceled_at: number | null;
  ended_at: number | null;
  cancellation_details: { reason: string | null; comment: null; feedback: null };
  collection_method: 'charge_automatically';
  currency: string;
  latest_invoice: string | null;
  metadata: Metadata;
  trial_start: null;
  trial_end: null;
  test_clock: null;
};

export type InvoiceLine = {
  id: string;
  object: 'line_item';
  amount: number;
  currency: string;
  description: string;
  invoice: string;
  livemode: false;
  metadata: Metadata;
  period: { start: number; end: number };
  quantity: number;
  subscription: string;
  pricing: { type: 'price_details'; price_details: { price: string; product: string }; unit_amount_decimal: string };
  parent: {
    type: 'subscription_item_details';
    subscription_item_details: { subscription: string; subscription_item: string; proration: boolean; invoice_item: null };
  };
};

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';

export type Invoice = Base & {
  object: 'invoice';
  customer: string;
  customer_email: string | null;
  // Since API 2025-03-31 the subscription is named only under parent.subscription_details.
  parent: {
    type: 'subscription_details';
    subscription_details: { subscription: string; metadata: Metadata };
    quote_details: null;
  };
  status: InvoiceStatus;
  billing_reason: 'subscription_create' | 'subscription_cycle' | 'subscription_update';
  collection_method: 'charge_automatically';
  currency: string;
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  starting_balance: number;
  ending_balance: number | null;
  subtotal: number;
  total: number;
  attempt_count: number;
  attempted: boolean;
  period_start: number;
  period_end: number;
  number: string;
  hosted_invoice_url: string;
  invoice_pdf: null;
  metadata: Metadata;
  status_transitions: { finalized_at: number | null; paid_at: number | null; voided_at: null; marked_uncollectible_at: null };
  automatic_tax: { disabled_reason: null; enabled: false; liability: null; provider: null; status: null };
  discounts: string[];
  lines: ListOf<InvoiceLine> & { total_count: number };
};

export type CheckoutLineItem = {
  id: string;
  object: 'item';
  amount_subtotal: number;
  amount_total: number;
  currency: string;
  description: string;
  price: Price;
  quantity: number | null;
};

export type CheckoutSession = Base & {
  object: 'checkout.session';
  mode: 'subscription';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  url: string | null;
  success_url: string;
  cancel_url: string | null;
  customer: string | null;
  customer_email: string | null;
  /** null until the customer has entered them (on payment). */
  customer_details: CustomerDetails | null;
  allowed_payment_method_types: null;
  client_reference_id: string | null;
  metadata: Metadata;
  subscription: string | null;
  invoice: string | null;
  currency: string;
  amount_subtotal: number;
  amount_total: number;
  expires_at: number;
};

export type CustomerDetails = {
  address: null;
  business_name: null;
  email: string | null;
  individual_name: null;
  name: string | null;
  phone: null;
  tax_exempt: 'none';
  tax_ids: [];
};

export type PortalSession = Base & {
  object: 'billing_portal.session';
  configuration: string;
  customer: string;
  return_url: string | null;
  url: string;
  locale: null;
  on_behalf_of: null;
  flow: null;
};

export type StripeEvent = Base & {
  object: 'event';
  type: string;
  api_version: string;
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
  pending_webhooks: number;
  request: { id: null; idempotency_key: null };
};

export type AnyObject = Customer | Product | Price | Meter | Subscription | SubscriptionItem | Invoice | CheckoutSession | PortalSession | StripeEvent;

/** The subscription's billing period, which Stripe keeps on its items (here they all share it). */
export function periodOf(sub: Subscription): { start: number; end: number } {
  const item = sub.items.data[0];
  return { start: item?.current_period_start ?? sub.billing_cycle_anchor, end: item?.current_period_end ?? sub.billing_cycle_anchor };
}

/** The subscription an invoice bills (Stripe names it only under parent.subscription_details). */
export function invoiceSubscription(inv: Invoice): string {
  return inv.parent.subscription_details.subscription;
}

export function formatAmount(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(amount / 100);
}

export function describePrice(price: Price): string {
  const per = price.recurring ? ` / ${price.recurring.interval}` : '';
  const unit = price.recurring?.usage_type === 'metered' ? ' per unit' : '';
  // Sub-cent metered prices keep their digits (€0.0005 per unit), as Stripe's checkout shows them.
  const amount = new Intl.NumberFormat('en-US', { style: 'currency', currency: price.currency.toUpperCase(), maximumFractionDigits: 6 }).format(unitAmount(price) / 100);
  return `${amount}${unit}${per}`;
}

/** A price's amount per unit in minor units, fractions included (metered prices may be sub-cent). */
export function unitAmount(price: Price): number {
  return Number(price.unit_amount_decimal);
}

/** Adds `count` calendar intervals to a unix timestamp (UTC), like Stripe's billing cycle anchor. */
export function addInterval(ts: number, interval: Recurring['interval'], count = 1): number {
  const d = new Date(ts * 1000);
  if (interval === 'day') d.setUTCDate(d.getUTCDate() + count);
  else if (interval === 'week') d.setUTCDate(d.getUTCDate() + 7 * count);
  else {
    const months = interval === 'year' ? 12 * count : count;
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + months);
    const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, lastDay));
  }
  return Math.floor(d.getTime() / 1000);
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}
