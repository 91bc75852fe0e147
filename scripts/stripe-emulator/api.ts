// The /v1 REST surface: routing, `expand`, list pagination.
import type { Billing } from './billing';
import { clone, type ListOf } from './objects';
import type { Store } from './store';
import { ApiError, int, isRecord, str, strList, type FormObject } from './wire';

type Handler = (p: FormObject, ids: string[]) => unknown;
type Route = { method: string; pattern: RegExp; handler: Handler };

const ID = '([^/]+)';

export function createApi(store: Store, billing: Billing) {
  const routes: Route[] = [];
  const on = (method: string, path: string, handler: Handler) => routes.push({ method, pattern: new RegExp(`^${path.replaceAll(':id', ID)}$`), handler });
  const page = <T extends { id?: string }>(items: T[], p: FormObject, url: string) => paginate(items, p, url);

  on('POST', '/v1/customers', (p) => store.createCustomer(p));
  on('GET', '/v1/customers', (p) => page(store.listCustomers(p), p, '/v1/customers'));
  on('GET', '/v1/customers/:id', (_p, [id = '']) => store.customer(id));
  on('POST', '/v1/customers/:id', (p, [id = '']) => store.updateCustomer(id, p));

  on('POST', '/v1/products', (p) => store.createProduct(p));
  on('GET', '/v1/products', (p) => page(store.listProducts(p), p, '/v1/products'));
  on('GET', '/v1/products/:id', (_p, [id = '']) => store.product(id));

  on('POST', '/v1/prices', (p) => store.createPrice(p));
  on('GET', '/v1/prices', (p) => page(store.listPrices(p), p, '/v1/prices'));
  on('GET', '/v1/prices/:id', (_p, [id = '']) => store.price(id));
  on('POST', '/v1/prices/:id', (p, [id = '']) => store.updatePrice(id, p));

  on('POST', '/v1/billing/meters', (p) => store.createMeter(p));
  on('GET', '/v1/billing/meters', (p) => page([...store.meters.values()], p, '/v1/billing/meters'));
  on('GET', '/v1/billing/meters/:id', (_p, [id = '']) => store.meter(id));
  on('POST', '/v1/billing/meter_events', (p) => store.createMeterEvent(p));

  on('POST', '/v1/checkout/sessions', (p) => billing.createCheckoutSession(p));
  on('GET', '/v1/checkout/sessions', (p) => page(billing.listSessions(p), p, '/v1/checkout/sessions'));
  on('POST', '/v1/checkout/sessions/:id/expire', (_p, [id = '']) => billing.expireCheckoutSession(id));
  on('GET', '/v1/checkout/sessions/:id', (_p, [id = '']) => billing.session(id));
  on('GET', '/v1/checkout/sessions/:id/line_items', (p, [id = '']) => page(billing.lineItems(id), p, `/v1/checkout/sessions/${id}/line_items`));

  on('POST', '/v1/billing_portal/sessions', (p) => billing.createPortalSession(p));

  on('GET', '/v1/subscriptions', (p) => page(billing.listSubscriptions(p), p, '/v1/subscriptions'));
  on('GET', '/v1/subscriptions/:id', (_p, [id = '']) => billing.subscription(id));
  on('POST', '/v1/subscriptions/:id', (p, [id = '']) => billing.updateSubscription(id, p));
  on('DELETE', '/v1/subscriptions/:id', (p, [id = '']) => billing.cancelSubscription(id, p));

  on('GET', '/v1/invoices', (p) => page(billing.listInvoices(p), p, '/v1/invoices'));
  on('GET', '/v1/invoices/:id', (_p, [id = '']) => billing.invoice(id));
  on('GET', '/v1/invoices/:id/lines', (p, [id = '']) => page(billing.invoice(id).lines.data, p, `/v1/invoices/${id}/lines`));

  on('GET', '/v1/events', (p) => page(store.listEvents(p), p, '/v1/events'));
  on('GET', '/v1/events/:id', (_p, [id = '']) => store.event(id));

  /** Runs a request; returns the JSON body (errors are thrown as ApiError). */
  return function handle(method: string, path: string, params: FormObject): unknown {
    let pathMatched = false;
    for (const r of routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const ids = m.slice(1).map((s) => decodeURIComponent(s));
      const result = clone(r.handler(params, ids));
      const paths = strList(params, 'expand');
      if (path.startsWith('/v1/checkout/sessions/') && !path.endsWith('/line_items') && isRecord(result) && paths.includes('line_items')) {
        result.line_items = paginate(billing.lineItems(String(result.id)), {}, `/v1/checkout/sessions/${String(result.id)}/line_items`);
      }
      return paths.reduce((acc, p) => expandPath(acc, p.split('.'), store), result);
    }
    if (pathMatched) throw new ApiError(405, `Method ${method} is not supported for ${path} by the Stripe emulator.`);
    throw new ApiError(404, `Unrecognized request URL (${method}: ${path}). The Stripe emulator does not serve this endpoint.`);
  };
}

/** Stripe lists are newest first; supports limit, starting_after, ending_before. */
export function paginate<T extends { id?: string }>(items: T[], p: FormObject, url: string): ListOf<T> {
  const limit = Math.min(Math.max(int(p, 'limit') ?? 10, 1), 100);
  let sorted = [...items].reverse();
  const after = str(p, 'starting_after');
  const before = str(p, 'ending_before');
  if (after) sorted = sorted.slice(sorted.findIndex((x) => x.id === after) + 1);
  if (before) {
    const idx = sorted.findIndex((x) => x.id === before);
    sorted = sorted.slice(Math.max(0, idx - limit), Math.max(0, idx));
  }
  return { object: 'list', data: sorted.slice(0, limit), has_more: sorted.length > limit, url };
}

/** Replaces an id at `parts` (e.g. `subscription.latest_invoice`, `data.customer`) with its object. */
function expandPath(value: unknown, parts: string[], store: Store): unknown {
  const [head, ...rest] = parts;
  if (head === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => expandPath(v, parts, store));
  if (!isRecord(value)) return value;
  let field = value[head];
  if (typeof field === 'string') {
    const found = store.find(field);
    if (found) field = clone(found);
  }
  value[head] = expandPath(field, rest, store);
  return value;
}
