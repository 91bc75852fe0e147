// In-memory state, the emulator clock, events, and the catalog (customers, products, prices, meters, usage).
import {
  API_VERSION,
  clone,
  type AnyObject,
  type CheckoutLineItem,
  type CheckoutSession,
  type Customer,
  type Invoice,
  type Metadata,
  type Meter,
  type MeterEvent,
  type PortalSession,
  type Price,
  type Product,
  type Recurring,
  type StripeEvent,
  type Subscription,
} from './objects';
import {
  ApiError,
  badParam,
  bool,
  int,
  mergeMetadata,
  missing,
  newId,
  obj,
  reqStr,
  str,
  strList,
  type FormObject,
} from './wire';

export type StoreOptions = {
  publicUrl: () => string;
  onEvent: (event: StripeEvent) => void;
};

const DAY = 86_400;
const INTERVALS: readonly Recurring['interval'][] = ['day', 'week', 'month', 'year'];

export class Store {
  private offset = 0;
  customers = new Map<string, Customer>();
  products = new Map<string, Product>();
  prices = new Map<string, Price>();
  meters = new Map<string, Meter>();
  meterEvents: MeterEvent[] = [];
  sessions = new Map<string, CheckoutSession>();
  sessionExtras = new Map<string, { items: CheckoutLineItem[]; subscriptionMetadata: Metadata }>();
  portals = new Map<string, PortalSession>();
  subscriptions = new Map<string, Subscription>();
  invoices = new Map<string, Invoice>();
  events = new Map<string, StripeEvent>();
  failing = new Set<string>();
  invoiceSeq = 0;
  apiVersion = API_VERSION;

  constructor(readonly opts: StoreOptions) {}

  now(): number {
    return Math.floor(Date.now() / 1000) + this.offset;
  }

  shiftClock(seconds: number): void {
    this.offset += seconds;
  }

  reset(): void {
    this.offset = 0;
    for (const m of [this.customers, this.products, this.prices, this.meters, this.sessions, this.sessionExtras, this.portals, this.subscriptions, this.invoices, this.events]) m.clear();
    this.meterEvents = [];
    this.failing.clear();
    this.invoiceSeq = 0;
  }

  publicUrl(): string {
    return this.opts.publicUrl();
  }

  /** Looks any object up by id (used by `expand`). */
  find(id: string): AnyObject | undefined {
    for (const m of [this.customers, this.products, this.prices, this.meters, this.sessions, this.portals, this.subscriptions, this.invoices, this.events] as Map<string, AnyObject>[]) {
      const hit = m.get(id);
      if (hit) return hit;
    }
    if (id.startsWith('si_')) {
      for (const sub of this.subscriptions.values()) {
        const item = sub.items.data.find((i) => i.id === id);
        if (item) return item;
      }
    }
    return undefined;
  }

  emit(type: string, object: AnyObject, previous?: Record<string, unknown>, created = this.now()): StripeEvent {
    const event: StripeEvent = {
      id: newId('evt'),
      object: 'event',
      type,
      created,
      livemode: false,
      api_version: this.apiVersion,
      data: previous ? { object: clone(object), previous_attributes: previous } : { object: clone(object) },
      pending_webhooks: 0,
      request: { id: null, idempotency_key: null },
    };
    this.events.set(event.id, event);
    this.opts.onEvent(event);
    return event;
  }

  // ---- customers ----

  customer(id: string, param = 'id'): Customer {
    const c = this.customers.get(id);
    if (!c) throw missing('customer', id, param);
    return c;
  }

  createCustomer(p: FormObject): Customer {
    const c: Customer = {
      id: newId('cus', 14),
      object: 'customer',
      created: this.now(),
      livemode: false,
      email: str(p, 'email') ?? null,
      name: str(p, 'name') ?? null,
      description: str(p, 'description') ?? null,
      phone: str(p, 'phone') ?? null,
      metadata: mergeMetadata({}, p),
      currency: null,
      delinquent: false,
      balance: 0,
      shipping: null,
      default_source: null,
      invoice_prefix: newId('x', 8).slice(2).toUpperCase(),
      invoice_settings: { default_payment_method: null, custom_fields: null, footer: null },
    };
    this.customers.set(c.id, c);
    return c;
  }

  updateCustomer(id: string, p: FormObject): Customer {
    const c = this.customer(id);
    for (const key of ['email', 'name', 'description', 'phone'] as const) {
      const v = str(p, key);
      if (v !== undefined) c[key] = v === '' ? null : v;
    }
    c.metadata = mergeMetadata(c.metadata, p);
    return c;
  }

  listCustomers(p: FormObject): Customer[] {
    const email = str(p, 'email');
    return [...this.customers.values()].filter((c) => email === undefined || c.email === email);
  }

  // ---- products & prices ----

  product(id: string, param = 'id'): Product {
    const prod = this.products.get(id);
    if (!prod) throw missing('product', id, param);
    return prod;
  }

  createProduct(p: FormObject): Product {
    const id = str(p, 'id') ?? newId('prod', 14);
    if (this.products.has(id)) throw new ApiError(400, `Product already exists.`, 'resource_already_exists', 'id');
    const now = this.now();
    const prod: Product = {
      id,
      object: 'product',
      created: now,
      updated: now,
      livemode: false,
      active: bool(p, 'active') ?? true,
      name: reqStr(p, 'name'),
      description: str(p, 'description') ?? null,
      metadata: mergeMetadata({}, p),
      default_price: null,
      type: 'service',
      tax_details: null,
    };
    this.products.set(id, prod);
    return prod;
  }

  listProducts(p: FormObject): Product[] {
    const active = bool(p, 'active');
    return [...this.products.values()].filter((x) => active === undefined || x.active === active);
  }

  price(id: string, param = 'id'): Price {
    const price = this.prices.get(id);
    if (!price) throw missing('price', id, param);
    return price;
  }

  private claimLookupKey(key: string | undefined, transfer: boolean): void {
    if (key === undefined) return;
    const holder = [...this.prices.values()].find((x) => x.lookup_key === key);
    if (!holder) return;
    if (!transfer) throw new ApiError(400, `A price (\`${holder.id}\`) already uses that lookup key.`, 'lookup_key_already_exists', 'lookup_key');
    holder.lookup_key = null;
  }

  createPrice(p: FormObject): Price {
    const currency = reqStr(p, 'currency').toLowerCase();
    const unitAmount = int(p, 'unit_amount');
    const unitAmountDecimal = str(p, 'unit_amount_decimal');
    if (unitAmount === undefined && unitAmountDecimal === undefined) throw new ApiError(400, 'Missing required param: unit_amount.', 'parameter_missing', 'unit_amount');
    if (unitAmount !== undefined && unitAmountDecimal !== undefined) throw badParam('unit_amount_decimal', 'You may only specify one of these parameters: unit_amount, unit_amount_decimal.');
    if (unitAmountDecimal !== undefined && !/^\d+(\.\d{1,12})?$/.test(unitAmountDecimal)) throw badParam('unit_amount_decimal', `Invalid decimal: ${unitAmountDecimal}`);
    // Stripe keeps both: unit_amount is null when the decimal is not a whole number of minor units.
    const decimal = unitAmountDecimal !== undefined ? unitAmountDecimal.replace(/^0+(?=\d)/, '').replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') : String(unitAmount);
    let productId = str(p, 'product');
    const productData = obj(p, 'product_data');
    if (productId) this.product(productId, 'product');
    else if (productData) productId = this.createProduct(productData).id;
    else throw new ApiError(400, 'Missing required param: product.', 'parameter_missing', 'product');
    const rec = obj(p, 'recurring');
    let recurring: Recurring | null = null;
    if (rec) {
      const interval = reqStr(rec, 'interval', 'recurring[interval]');
      if (!INTERVALS.includes(interval as Recurring['interval'])) throw badParam('recurring[interval]', `Invalid recurring[interval]: must be one of day, week, month, or year`);
      const usage = str(rec, 'usage_type') ?? 'licensed';
      if (usage !== 'licensed' && usage !== 'metered') throw badParam('recurring[usage_type]', 'Invalid recurring[usage_type]: must be one of licensed or metered');
      const meter = str(rec, 'meter') ?? null;
      if (meter) this.meter(meter, 'recurring[meter]');
      recurring = { interval: interval as Recurring['interval'], interval_count: int(rec, 'interval_count') ?? 1, usage_type: usage, meter, aggregate_usage: null, trial_period_days: null };
    }
    const lookupKey = str(p, 'lookup_key');
    this.claimLookupKey(lookupKey, bool(p, 'transfer_lookup_key') ?? false);
    const price: Price = {
      id: newId('price', 24),
      object: 'price',
      created: this.now(),
      livemode: false,
      active: bool(p, 'active') ?? true,
      billing_scheme: 'per_unit',
      currency,
      lookup_key: lookupKey ?? null,
      metadata: mergeMetadata({}, p),
      nickname: str(p, 'nickname') ?? null,
      product: productId,
      recurring,
      tax_behavior: 'unspecified',
      type: recurring ? 'recurring' : 'one_time',
      unit_amount: Number.isInteger(Number(decimal)) ? Number(decimal) : null,
      unit_amount_decimal: decimal,
    };
    this.prices.set(price.id, price);
    return price;
  }

  updatePrice(id: string, p: FormObject): Price {
    const price = this.price(id);
    const lookupKey = str(p, 'lookup_key');
    if (lookupKey !== undefined && lookupKey !== price.lookup_key) {
      this.claimLookupKey(lookupKey, bool(p, 'transfer_lookup_key') ?? false);
      price.lookup_key = lookupKey === '' ? null : lookupKey;
    }
    price.active = bool(p, 'active') ?? price.active;
    const nickname = str(p, 'nickname');
    if (nickname !== undefined) price.nickname = nickname === '' ? null : nickname;
    price.metadata = mergeMetadata(price.metadata, p);
    return price;
  }

  listPrices(p: FormObject): Price[] {
    const keys = strList(p, 'lookup_keys');
    const active = bool(p, 'active');
    const product = str(p, 'product');
    const currency = str(p, 'currency')?.toLowerCase();
    const type = str(p, 'type');
    return [...this.prices.values()].filter(
      (x) =>
        (keys.length === 0 || (x.lookup_key !== null && keys.includes(x.lookup_key))) &&
        (active === undefined || x.active === active) &&
        (product === undefined || x.product === product) &&
        (currency === undefined || x.currency === currency) &&
        (type === undefined || x.type === type),
    );
  }

  // ---- meters & meter events ----

  meter(id: string, param = 'id'): Meter {
    const m = this.meters.get(id);
    if (!m) throw missing('billing.meter', id, param);
    return m;
  }

  createMeter(p: FormObject): Meter {
    const eventName = reqStr(p, 'event_name');
    if ([...this.meters.values()].some((m) => m.event_name === eventName)) {
      throw new ApiError(400, `An active meter with event_name \`${eventName}\` already exists.`, 'resource_already_exists', 'event_name');
    }
    const agg = obj(p, 'default_aggregation');
    const formula = agg ? reqStr(agg, 'formula', 'default_aggregation[formula]') : 'sum';
    const now = this.now();
    const meter: Meter = {
      id: newId('mtr', 24),
      object: 'billing.meter',
      created: now,
      updated: now,
      livemode: false,
      display_name: reqStr(p, 'display_name'),
      event_name: eventName,
      status: 'active',
      status_transitions: { deactivated_at: null },
      default_aggregation: { formula },
      customer_mapping: { event_payload_key: str(obj(p, 'customer_mapping') ?? {}, 'event_payload_key') ?? 'stripe_customer_id', type: 'by_id' },
      value_settings: { event_payload_key: str(obj(p, 'value_settings') ?? {}, 'event_payload_key') ?? 'value' },
    };
    this.meters.set(meter.id, meter);
    return meter;
  }

  createMeterEvent(p: FormObject): MeterEvent {
    const eventName = reqStr(p, 'event_name');
    const meter = [...this.meters.values()].find((m) => m.event_name === eventName);
    const customerKey = meter?.customer_mapping.event_payload_key ?? 'stripe_customer_id';
    const valueKey = meter?.value_settings.event_payload_key ?? 'value';
    const payloadForm = obj(p, 'payload') ?? {};
    reqStr(payloadForm, customerKey, `payload[${customerKey}]`);
    const value = reqStr(payloadForm, valueKey, `payload[${valueKey}]`);
    if (!Number.isFinite(Number(value))) throw badParam(`payload[${valueKey}]`, `Invalid value: payload[${valueKey}] must be a number`);
    const payload: Record<string, string> = {};
    for (const [k, v] of Object.entries(payloadForm)) if (typeof v === 'string') payload[k] = v;
    const now = this.now();
    const identifier = str(p, 'identifier') ?? newId('mev', 20);
    if (this.meterEvents.some((e) => e.identifier === identifier && e.created > now - DAY)) {
      throw new ApiError(400, `An event already exists with identifier ${identifier}.`, 'resource_already_exists', 'identifier');
    }
    const event: MeterEvent = { object: 'billing.meter_event', created: now, event_name: eventName, identifier, livemode: false, payload, timestamp: int(p, 'timestamp') ?? now };
    this.meterEvents.push(event);
    return event;
  }

  /** Aggregated usage of a metered price for a customer within [start, end). */
  usage(price: Price, customer: string, start: number, end: number): number {
    const meter = price.recurring?.meter ? this.meters.get(price.recurring.meter) : undefined;
    if (!meter) return 0;
    const values = this.meterEvents
      .filter((e) => e.event_name === meter.event_name && e.payload[meter.customer_mapping.event_payload_key] === customer && e.timestamp >= start && e.timestamp < end)
      .map((e) => Number(e.payload[meter.value_settings.event_payload_key] ?? 0));
    if (meter.default_aggregation.formula === 'count') return values.length;
    if (meter.default_aggregation.formula === 'last') return values.at(-1) ?? 0;
    return values.reduce((a, b) => a + b, 0);
  }

  // ---- events ----

  event(id: string): StripeEvent {
    const e = this.events.get(id);
    if (!e) throw missing('event', id);
    return e;
  }

  listEvents(p: FormObject): StripeEvent[] {
    const types = [...strList(p, 'types'), ...(str(p, 'type') ? [str(p, 'type') ?? ''] : [])];
    const match = (t: string) => types.length === 0 || types.some((pat) => (pat.endsWith('*') ? t.startsWith(pat.slice(0, -1)) : t === pat));
    return [...this.events.values()].filter((e) => match(e.type));
  }
}
