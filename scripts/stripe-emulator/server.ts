// A small Stripe-compatible HTTP server for dev and tests (see README.md).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApi } from './api';
import { Billing } from './billing';
import { MeterEventStream, type MeterEventCount, type RejectedMeterEvent, type StreamFailure } from './meter-event-stream';
import type { MeterEvent, StripeEvent } from './objects';
import { checkoutPage, invoicePage, messagePage, portalPage } from './pages';
import { Store } from './store';
import { WebhookDispatcher, type DeliveryRecord, type ReleaseOptions, type RetryOptions } from './webhooks';
import { ApiError, errorBody, isRecord, parseForm, readBody, send, sendError, sendJson, type FormObject } from './wire';

export type { ReleaseOptions } from './webhooks';

export type StripeEmulatorOptions = {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  webhookUrl?: string;
  webhookSecret: string;
  /** Base URL used in checkout/portal/invoice links (defaults to the listening URL). */
  publicUrl?: string;
  /** Webhook retry policy (default 5 attempts, 250 ms doubling backoff). */
  webhookRetry?: RetryOptions;
  /** Sees every successful API response body and every event sent (tests check them against Stripe's shapes). */
  onObject?: (source: string, body: unknown) => void;
};

export type EmulatorEventInfo = { id: string; type: string; created: number; objectId: string | null; delivery: DeliveryRecord };

export interface StripeEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
  setWebhookUrl(url: string): void;
  /** Current emulator clock (unix seconds). */
  now(): number;
  /** Moves the clock forward and renews/ends subscriptions whose period ended. */
  advanceTime(seconds: number): { now: number; renewed: number };
  failPayments(customerId: string, fail: boolean): void;
  /** Pays the customer's open invoices; returns their ids. */
  payOpenInvoices(customerId: string): string[];
  dropNextWebhooks(count: number): void;
  replayEvent(eventId: string): void;
  holdWebhooks(): void;
  releaseWebhooks(opts?: ReleaseOptions): number;
  /** Resolves when every queued webhook was delivered or gave up. */
  waitForWebhooks(timeoutMs?: number): Promise<void>;
  events(): EmulatorEventInfo[];
  meterEvents(): MeterEvent[];
  /** Meter events per identifier: accepted (v1 and v2) and received on the v2 stream (duplicates included). */
  meterEventCounts(identifier?: string): MeterEventCount[];
  /** v2 stream events refused while processing (bad timestamp or payload). */
  rejectedMeterEvents(): RejectedMeterEvent[];
  /** Fails the next v2 stream requests with a 500 (after accepting their events with `afterAccepting`). */
  failMeterEventStream(failure: StreamFailure): void;
  reset(): void;
}

const HTML = 'text/html; charset=utf-8';

export async function startStripeEmulator(opts: StripeEmulatorOptions): Promise<StripeEmulator> {
  const host = opts.host ?? '127.0.0.1';
  let url = '';
  const hooks = new WebhookDispatcher(opts.webhookUrl, opts.webhookSecret, opts.webhookRetry);
  const store = new Store({
    publicUrl: () => opts.publicUrl ?? url,
    onEvent: (e) => {
      opts.onObject?.(`event ${e.type}`, e);
      hooks.submit(e);
    },
  });
  const billing = new Billing(store);
  const api = createApi(store, billing);
  const meterStream = new MeterEventStream(store);
  const idempotency = new Map<string, { fingerprint: string; status: number; body: unknown }>();

  const eventInfo = (e: StripeEvent): EmulatorEventInfo => {
    const obj = e.data.object;
    return { id: e.id, type: e.type, created: e.created, objectId: isRecord(obj) && typeof obj.id === 'string' ? obj.id : null, delivery: hooks.records.get(e.id) ?? { state: 'no-endpoint', attempts: [] } };
  };

  const controls = {
    now: () => store.now(),
    advanceTime(seconds: number) {
      if (!Number.isFinite(seconds) || seconds < 0) throw new ApiError(400, 'seconds must be a non-negative number', 'parameter_invalid', 'seconds');
      store.shiftClock(Math.floor(seconds));
      return { now: store.now(), renewed: billing.runClock() };
    },
    failPayments: (customerId: string, fail: boolean) => billing.failPayments(customerId, fail),
    payOpenInvoices: (customerId: string) => billing.payOpenInvoices(customerId),
    dropNextWebhooks: (count: number) => hooks.drop(count),
    replayEvent: (eventId: string) => hooks.replay(store.event(eventId)),
    holdWebhooks: () => hooks.hold(),
    releaseWebhooks: (o?: ReleaseOptions) => hooks.release(o),
    waitForWebhooks: (timeoutMs?: number) => hooks.idle(timeoutMs),
    events: () => [...store.events.values()].map(eventInfo),
    meterEvents: () => [...store.meterEvents],
    meterEventCounts: (identifier?: string) => meterStream.counts(identifier),
    rejectedMeterEvents: () => [...meterStream.rejected],
    failMeterEventStream: (failure: StreamFailure) => meterStream.failNext(failure),
    reset() {
      store.reset();
      meterStream.reset();
      hooks.reset();
      idempotency.clear();
    },
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string, path: string, query: URLSearchParams): Promise<void> {
    if (!req.headers.authorization) {
      throw new ApiError(401, 'You did not provide an API key. You need to provide your API key in the Authorization header.', undefined, undefined, 'invalid_request_error');
    }
    const version = req.headers['stripe-version'];
    if (typeof version === 'string' && version) store.apiVersion = version;
    const body = method === 'GET' || method === 'DELETE' ? '' : await readBody(req);
    const params: FormObject = parseForm([query.toString(), body].filter(Boolean).join('&'));
    const key = method === 'POST' ? req.headers['idempotency-key'] : undefined;
    const run = () => {
      const out = api(method, path, params);
      opts.onObject?.(`${method} ${path}`, out);
      return out;
    };
    if (typeof key !== 'string' || !key) return respond(res, run);
    const fingerprint = `${method} ${path} ${body}`;
    const seen = idempotency.get(key);
    if (seen && seen.fingerprint !== fingerprint) {
      throw new ApiError(400, `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`, undefined, undefined, 'idempotency_error');
    }
    if (seen) return sendJson(res, seen.status, seen.body, { 'Idempotent-Replayed': 'true', 'Idempotency-Key': key });
    respond(res, run, (status, out) => idempotency.set(key, { fingerprint, status, body: out }));
  }

  function respond(res: ServerResponse, run: () => unknown, remember?: (status: number, body: unknown) => void): void {
    try {
      const out = run();
      remember?.(200, out);
      sendJson(res, 200, out);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status < 500) remember?.(err.status, errorBody(err));
      sendError(res, err);
    }
  }

  type ControlInput = { ids: string[]; body: Record<string, unknown>; query: URLSearchParams };
  const num = (v: unknown, fallback: number) => (v === undefined ? fallback : Number(v));
  const controlRoutes: [string, RegExp, (i: ControlInput) => unknown][] = [
    ['GET', /^\/_emulator\/health$/, () => ({ ok: true, now: store.now() })],
    ['GET', /^\/_emulator\/events$/, ({ query }) => ({ data: controls.events().filter((e) => !query.get('type') || e.type === query.get('type')) })],
    ['GET', /^\/_emulator\/meter-events$/, ({ query }) => ({ data: controls.meterEvents().filter((e) => !query.get('customer') || e.payload.stripe_customer_id === query.get('customer')) })],
    ['GET', /^\/_emulator\/meter-events\/counts$/, ({ query }) => ({ data: controls.meterEventCounts(query.get('identifier') ?? undefined), rejected: controls.rejectedMeterEvents() })],
    ['POST', /^\/_emulator\/meter-events\/fail-stream$/, ({ body }) => {
      controls.failMeterEventStream({ requests: num(body.requests, 1), afterAccepting: body.afterAccepting === true });
      return { ok: true };
    }],
    ['POST', /^\/_emulator\/advance-time$/, ({ body }) => controls.advanceTime(num(body.seconds, NaN))],
    ['POST', /^\/_emulator\/customers\/([^/]+)\/fail-payments$/, ({ ids: [id = ''], body }) => {
      controls.failPayments(id, body.fail !== false);
      return { ok: true };
    }],
    ['POST', /^\/_emulator\/customers\/([^/]+)\/pay$/, ({ ids: [id = ''] }) => ({ paid: controls.payOpenInvoices(id) })],
    ['POST', /^\/_emulator\/events\/([^/]+)\/replay$/, ({ ids: [id = ''] }) => {
      controls.replayEvent(id);
      return { ok: true };
    }],
    ['POST', /^\/_emulator\/webhooks\/drop$/, ({ body }) => {
      const count = num(body.count, 1);
      controls.dropNextWebhooks(count);
      return { ok: true, dropping: count };
    }],
    ['POST', /^\/_emulator\/webhooks\/hold$/, () => {
      controls.holdWebhooks();
      return { ok: true };
    }],
    ['POST', /^\/_emulator\/webhooks\/release$/, ({ body }) => {
      const order = body.order === 'reverse' || body.order === 'shuffle' ? body.order : 'as-is';
      return { released: controls.releaseWebhooks({ order, duplicate: body.duplicate === true }) };
    }],
    ['POST', /^\/_emulator\/webhooks\/wait$/, async ({ body }) => {
      await controls.waitForWebhooks(num(body.timeoutMs, 10_000));
      return { ok: true };
    }],
    ['POST', /^\/_emulator\/webhook-url$/, ({ body }) => {
      if (typeof body.url !== 'string') throw new ApiError(400, 'url must be a string', 'parameter_invalid', 'url');
      hooks.setUrl(body.url);
      return { ok: true };
    }],
    ['POST', /^\/_emulator\/reset$/, () => {
      controls.reset();
      return { ok: true };
    }],
  ];

  async function handleControl(req: IncomingMessage, res: ServerResponse, method: string, path: string, query: URLSearchParams): Promise<void> {
    const raw = method === 'POST' ? await readBody(req) : '';
    const parsed: unknown = raw.trim() ? JSON.parse(raw) : {};
    const body = isRecord(parsed) ? parsed : {};
    for (const [routeMethod, pattern, run] of controlRoutes) {
      const m = pattern.exec(path);
      if (!m || routeMethod !== method) continue;
      return sendJson(res, 200, await run({ ids: m.slice(1).map((s) => decodeURIComponent(s)), body, query }));
    }
    throw new ApiError(404, `Unknown emulator control: ${method} ${path}`);
  }

  function handlePage(res: ServerResponse, method: string, path: string): void {
    const redirect = (location: string) => send(res, 303, '', 'text/plain', { Location: location });
    let m: RegExpExecArray | null;
    if ((m = /^\/checkout\/([^/]+)(?:\/(pay|decline))?$/.exec(path))) {
      const cs = billing.session(decodeURIComponent(m[1] ?? ''));
      const action = m[2];
      if (method === 'GET' && !action) return send(res, 200, checkoutPage(cs, billing.lineItems(cs.id)), HTML);
      if (method !== 'POST' || !action) return send(res, 405, messagePage('Method not allowed', path), HTML);
      if (cs.status !== 'open') return send(res, 409, checkoutPage(cs, billing.lineItems(cs.id)), HTML);
      const result = action === 'pay' ? billing.payCheckout(cs.id) : { paid: false as const };
      if (result.paid) return redirect(result.redirect);
      return send(res, 402, checkoutPage(cs, billing.lineItems(cs.id), true), HTML);
    }
    if ((m = /^\/portal\/([^/]+)(?:\/subscriptions\/([^/]+)\/(cancel|renew))?$/.exec(path))) {
      const ps = billing.portal(decodeURIComponent(m[1] ?? ''));
      if (method === 'POST' && m[2]) {
        billing.portalSetCancel(ps.id, decodeURIComponent(m[2]), m[3] === 'cancel');
        return redirect(`/portal/${ps.id}`);
      }
      return send(res, 200, portalPage(ps, billing.listSubscriptions({ customer: ps.customer })), HTML);
    }
    if (method === 'GET' && (m = /^\/invoices\/([^/]+)$/.exec(path))) return send(res, 200, invoicePage(billing.invoice(decodeURIComponent(m[1] ?? ''))), HTML);
    send(res, 404, messagePage('Not found', `Nothing at ${path}`), HTML);
  }

  const server = createServer((req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const parsed = new URL(req.url ?? '/', 'http://emulator');
    const path = parsed.pathname;
    const run = async () => {
      if (path.startsWith('/v1/')) await handleApi(req, res, method, path, parsed.searchParams);
      else if (path.startsWith('/v2/') && (await meterStream.handle(req, res, method, path))) return;
      else if (path.startsWith('/_emulator/')) await handleControl(req, res, method, path, parsed.searchParams);
      else handlePage(res, method, path);
    };
    run().catch((err: unknown) => {
      if (err instanceof ApiError) {
        if (path.startsWith('/v1/') || path.startsWith('/_emulator/')) return sendError(res, err);
        return send(res, err.status, messagePage('Error', err.message), HTML);
      }
      if (err instanceof SyntaxError) return sendError(res, new ApiError(400, `Invalid JSON body: ${err.message}`));
      console.error('[stripe-emulator] internal error', err);
      sendError(res, new ApiError(500, 'Internal emulator error.', undefined, undefined, 'api_error'));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    setWebhookUrl: (u: string) => hooks.setUrl(u),
    ...controls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        hooks.close();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
