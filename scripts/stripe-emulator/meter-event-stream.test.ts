import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from './server';

let emu: StripeEmulator;
beforeAll(async () => {
  emu = await startStripeEmulator({ webhookSecret: 'whsec_test' });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

async function post(path: string, auth: string | null, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${emu.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function session(): Promise<string> {
  const { status, json } = await post('/v2/billing/meter_event_session', 'sk_test_x', {});
  expect(status).toBe(200);
  expect(json).toMatchObject({ object: 'v2.billing.meter_event_session', livemode: false });
  expect(Date.parse(String(json.expires_at)) - Date.parse(String(json.created))).toBe(15 * 60 * 1000);
  return String(json.authentication_token);
}

const event = (identifier: string, over: Record<string, unknown> = {}) => ({
  event_name: 'souk_api_calls',
  identifier,
  timestamp: new Date((emu.now() - 60) * 1000).toISOString(),
  payload: { stripe_customer_id: 'cus_1', value: '12.5' },
  ...over,
});

describe('v2 meter event stream', () => {
  it('accepts up to 100 events per request with a session token, and ignores a duplicate identifier within a day', async () => {
    const token = await session();
    expect(await post('/v2/billing/meter_event_stream', token, { events: [event('a'), event('b')] })).toEqual({ status: 200, json: {} });
    expect((await post('/v2/billing/meter_event_stream', token, { events: [event('a')] })).status).toBe(200);
    expect(emu.meterEventCounts()).toEqual([
      { identifier: 'a', accepted: 1, received: 2 },
      { identifier: 'b', accepted: 1, received: 1 },
    ]);
    expect(emu.meterEvents().find((e) => e.identifier === 'b')).toMatchObject({ event_name: 'souk_api_calls', payload: { stripe_customer_id: 'cus_1', value: '12.5' } });
    // A day later Stripe no longer remembers the identifier: it is accepted again.
    emu.advanceTime(86_401);
    const fresh = await session();
    await post('/v2/billing/meter_event_stream', fresh, { events: [event('a')] });
    expect(emu.meterEventCounts('a')).toEqual([{ identifier: 'a', accepted: 2, received: 3 }]);
  });

  it('answers with v2 error bodies: no token, unknown token, expired session, too many events', async () => {
    expect(await post('/v2/billing/meter_event_stream', null, { events: [event('x')] })).toMatchObject({ status: 401, json: { error: { type: 'invalid_request_error' } } });
    expect(await post('/v2/billing/meter_event_stream', 'nope', { events: [event('x')] })).toMatchObject({ status: 401 });
    const token = await session();
    const tooMany = await post('/v2/billing/meter_event_stream', token, { events: Array.from({ length: 101 }, (_, i) => event(`e${i}`)) });
    expect(tooMany).toMatchObject({ status: 400, json: { error: { type: 'invalid_request_error', code: 'invalid_fields' } } });
    emu.advanceTime(15 * 60);
    expect(await post('/v2/billing/meter_event_stream', token, { events: [event('x')] })).toMatchObject({ status: 401, json: { error: { type: 'temporary_session_expired' } } });
    expect(emu.meterEvents()).toEqual([]);
  });

  it('rejects, after answering, events older than 35 days, in the future or without a customer', async () => {
    const token = await session();
    const old = new Date((emu.now() - 36 * 86_400) * 1000).toISOString();
    const ahead = new Date((emu.now() + 600) * 1000).toISOString();
    const res = await post('/v2/billing/meter_event_stream', token, {
      events: [event('old', { timestamp: old }), event('ahead', { timestamp: ahead }), event('nocus', { payload: { value: '1' } }), event('ok')],
    });
    expect(res.status).toBe(200);
    expect(emu.meterEvents().map((e) => e.identifier)).toEqual(['ok']);
    expect(emu.rejectedMeterEvents().map((r) => [r.identifier, r.reason])).toEqual([
      ['old', 'timestamp is more than 35 days in the past'],
      ['ahead', 'timestamp is more than 5 minutes in the future'],
      ['nocus', 'payload.stripe_customer_id is required'],
    ]);
  });

  it('fails requests on demand, before or after accepting their events', async () => {
    const token = await session();
    emu.failMeterEventStream({ requests: 1 });
    expect((await post('/v2/billing/meter_event_stream', token, { events: [event('f1')] })).status).toBe(500);
    expect(emu.meterEvents()).toEqual([]);
    emu.failMeterEventStream({ requests: 1, afterAccepting: true });
    expect((await post('/v2/billing/meter_event_stream', token, { events: [event('f2')] })).status).toBe(500);
    expect(emu.meterEvents().map((e) => e.identifier)).toEqual(['f2']);
    expect((await post('/v2/billing/meter_event_stream', token, { events: [event('f3')] })).status).toBe(200);
  });
});
