// The v2 high-throughput meter event API: `POST /v2/billing/meter_event_session` (a 15-minute
// token, authenticated with the secret key) and `POST /v2/billing/meter_event_stream` (up to 100
// events per request, authenticated with that token, JSON both ways). As in Stripe, the stream
// answers as soon as the request is well formed and processes events "asynchronously": an event
// with a bad timestamp or payload is not accepted and lands in `rejected` (Stripe reports it as a
// `v1.billing.meter.error_report_triggered` event), and an identifier already accepted within the
// last 24 hours is ignored, not an error. Accepted events join the store's meter events, which
// renewal invoices bill from, exactly like `POST /v1/billing/meter_events`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MeterEvent } from './objects';
import type { Store } from './store';
import { isRecord, newId, readBody, sendJson } from './wire';

const DAY = 86_400;
const SESSION_SECONDS = 15 * 60;
const MAX_EVENTS = 100;
const OLDEST_SECONDS = 35 * DAY;
const FUTURE_SECONDS = 5 * 60;

export type MeterEventCount = { identifier: string; accepted: number; received: number };
export type RejectedMeterEvent = { identifier: string | null; event_name: string | null; reason: string };
/** Test control: fail the next stream requests with a 500, optionally after accepting their events (a lost response). */
export type StreamFailure = { requests: number; afterAccepting?: boolean };

class V2Error extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class MeterEventStream {
  private sessions = new Map<string, { id: string; expiresAt: number }>();
  /** Times each identifier was received on the stream (duplicates included). */
  private received = new Map<string, number>();
  /** identifier → `created` of its newest accepted event, over every accepted event (v1 included). */
  private newest = new Map<string, number>();
  private indexed = 0;
  private indexedArray: MeterEvent[] | null = null;
  private failure: Required<StreamFailure> = { requests: 0, afterAccepting: false };
  rejected: RejectedMeterEvent[] = [];
  streamRequests = 0;

  constructor(private readonly store: Store) {}

  reset(): void {
    this.sessions.clear();
    this.received.clear();
    this.newest.clear();
    this.indexed = 0;
    this.indexedArray = null;
    this.failure = { requests: 0, afterAccepting: false };
    this.rejected = [];
    this.streamRequests = 0;
  }

  failNext(f: StreamFailure): void {
    this.failure = { requests: f.requests, afterAccepting: f.afterAccepting ?? false };
  }

  /** Per identifier: events accepted (v1 and v2, whole history) and stream deliveries received. */
  counts(identifier?: string): MeterEventCount[] {
    const accepted = new Map<string, number>();
    for (const e of this.store.meterEvents) if (!identifier || e.identifier === identifier) accepted.set(e.identifier, (accepted.get(e.identifier) ?? 0) + 1);
    const ids = new Set([...accepted.keys(), ...[...this.received.keys()].filter((id) => !identifier || id === identifier)]);
    return [...ids].sort().map((id) => ({ identifier: id, accepted: accepted.get(id) ?? 0, received: this.received.get(id) ?? 0 }));
  }

  /** Handles /v2/billing/meter_event_*; false when the path is not one of them. */
  async handle(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<boolean> {
    if (path !== '/v2/billing/meter_event_session' && path !== '/v2/billing/meter_event_stream') return false;
    try {
      if (method !== 'POST') throw new V2Error(405, 'invalid_request_error', 'method_not_allowed', `Method ${method} is not supported for ${path}.`);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token) throw new V2Error(401, 'invalid_request_error', 'unauthorized', 'You did not provide an API key. You need to provide your API key in the Authorization header.');
      const raw = await readBody(req);
      let body: unknown = {};
      try {
        body = raw.trim() ? JSON.parse(raw) : {};
      } catch {
        throw new V2Error(400, 'invalid_request_error', 'invalid_json', 'The request body is not valid JSON.');
      }
      if (path === '/v2/billing/meter_event_session') sendJson(res, 200, this.createSession());
      else {
        this.stream(token, body);
        sendJson(res, 200, {});
      }
    } catch (err) {
      if (!(err instanceof V2Error)) throw err;
      sendJson(res, err.status, { error: { type: err.type, code: err.code, message: err.message } });
    }
    return true;
  }

  private createSession() {
    const now = this.store.now();
    const id = newId('mes', 24);
    const token = newId('mest', 32);
    this.sessions.set(token, { id, expiresAt: now + SESSION_SECONDS });
    const iso = (s: number) => new Date(s * 1000).toISOString();
    return { id, object: 'v2.billing.meter_event_session', authentication_token: token, created: iso(now), expires_at: iso(now + SESSION_SECONDS), livemode: false };
  }

  private stream(token: string, body: unknown): void {
    const session = this.sessions.get(token);
    const now = this.store.now();
    if (!session) throw new V2Error(401, 'invalid_request_error', 'unauthorized', 'Invalid authentication token for the meter event stream.');
    if (session.expiresAt <= now) {
      throw new V2Error(401, 'temporary_session_expired', 'billing_meter_event_session_expired', 'The meter event session has expired. Create a new meter event session.');
    }
    const events = isRecord(body) ? body.events : undefined;
    if (!Array.isArray(events) || events.length === 0) throw new V2Error(400, 'invalid_request_error', 'invalid_fields', 'events: must contain at least one event.');
    if (events.length > MAX_EVENTS) throw new V2Error(400, 'invalid_request_error', 'invalid_fields', `events: must contain at most ${MAX_EVENTS} events.`);
    this.streamRequests++;
    const failing = this.failure.requests > 0;
    if (failing) this.failure.requests--;
    if (failing && !this.failure.afterAccepting) throw new V2Error(500, 'api_error', 'internal_error', 'An unexpected error occurred (injected by the emulator).');
    this.syncIndex();
    for (const e of events) this.accept(e, now);
    if (failing) throw new V2Error(500, 'api_error', 'internal_error', 'An unexpected error occurred after the events were accepted (injected by the emulator).');
  }

  private accept(input: unknown, now: number): void {
    const e = isRecord(input) ? input : {};
    const eventName = typeof e.event_name === 'string' && e.event_name ? e.event_name : null;
    const identifier = typeof e.identifier === 'string' && e.identifier ? e.identifier : newId('mev', 20);
    this.received.set(identifier, (this.received.get(identifier) ?? 0) + 1);
    const reject = (reason: string): void => void this.rejected.push({ identifier, event_name: eventName, reason });
    if (!eventName) return reject('event_name is required');
    const meter = [...this.store.meters.values()].find((m) => m.event_name === eventName);
    const customerKey = meter?.customer_mapping.event_payload_key ?? 'stripe_customer_id';
    const valueKey = meter?.value_settings.event_payload_key ?? 'value';
    const payload: Record<string, string> = {};
    if (isRecord(e.payload)) for (const [k, v] of Object.entries(e.payload)) if (typeof v === 'string') payload[k] = v;
    if (!payload[customerKey]) return reject(`payload.${customerKey} is required`);
    if (payload[valueKey] === undefined || !Number.isFinite(Number(payload[valueKey]))) return reject(`payload.${valueKey} must be a number`);
    let timestamp = now;
    if (e.timestamp !== undefined) {
      const ms = typeof e.timestamp === 'string' ? Date.parse(e.timestamp) : NaN;
      if (Number.isNaN(ms)) return reject('timestamp must be an RFC 3339 date-time');
      timestamp = Math.floor(ms / 1000);
      if (timestamp < now - OLDEST_SECONDS) return reject('timestamp is more than 35 days in the past');
      if (timestamp > now + FUTURE_SECONDS) return reject('timestamp is more than 5 minutes in the future');
    }
    const seen = this.newest.get(identifier);
    if (seen !== undefined && seen > now - DAY) return; // duplicate within 24 h: ignored, as Stripe does
    const event: MeterEvent = { object: 'billing.meter_event', created: now, event_name: eventName, identifier, livemode: false, payload, timestamp };
    this.store.meterEvents.push(event);
    this.indexed = this.store.meterEvents.length;
    this.newest.set(identifier, now);
  }

  /** Catches up with events accepted elsewhere (v1), so dedupe spans both APIs in O(1) per event. */
  private syncIndex(): void {
    const all = this.store.meterEvents;
    if (all !== this.indexedArray) {
      this.indexedArray = all;
      this.indexed = 0;
      this.newest.clear();
    }
    for (; this.indexed < all.length; this.indexed++) {
      const e = all[this.indexed]!;
      this.newest.set(e.identifier, Math.max(this.newest.get(e.identifier) ?? 0, e.created));
    }
  }
}
