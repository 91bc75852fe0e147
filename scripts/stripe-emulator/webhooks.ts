// Signed webhook delivery: in creation order, with retries, drops, holds and replays for tests.
import { createHmac } from 'node:crypto';
import type { StripeEvent } from './objects';

export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'dropped' | 'held' | 'no-endpoint';
export type DeliveryAttempt = { at: string; ok: boolean; status?: number; error?: string };
export type DeliveryRecord = { state: DeliveryState; attempts: DeliveryAttempt[] };
export type ReleaseOptions = { order?: 'as-is' | 'reverse' | 'shuffle'; duplicate?: boolean };
export type RetryOptions = { attempts: number; baseDelayMs: number };

type Job = { event: StripeEvent; attempt: number };

/** `t=<unix>,v1=<hex HMAC-SHA256("<t>.<payload>")>`, exactly as Stripe signs (and `constructEvent` checks). */
export function signPayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

export class WebhookDispatcher {
  readonly records = new Map<string, DeliveryRecord>();
  private queue: Job[] = [];
  private held: StripeEvent[] = [];
  private holding = false;
  private dropCount = 0;
  private running = false;
  private timers = new Set<NodeJS.Timeout>();
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private url: string | undefined,
    private readonly secret: string,
    private readonly retry: RetryOptions = { attempts: 5, baseDelayMs: 250 },
  ) {}

  setUrl(url: string | undefined): void {
    this.url = url;
  }

  /** Called for every new event. */
  submit(event: StripeEvent): void {
    if (this.dropCount > 0) {
      this.dropCount--;
      this.records.set(event.id, { state: 'dropped', attempts: [] });
      return;
    }
    event.pending_webhooks = this.url ? 1 : 0;
    if (this.holding) {
      this.held.push(event);
      this.records.set(event.id, { state: 'held', attempts: [] });
      return;
    }
    this.enqueue(event);
  }

  drop(count: number): void {
    this.dropCount += Math.max(0, Math.floor(count));
  }

  hold(): void {
    this.holding = true;
  }

  release(opts: ReleaseOptions = {}): number {
    this.holding = false;
    let events = this.held;
    this.held = [];
    if (opts.order === 'reverse') events = [...events].reverse();
    if (opts.order === 'shuffle') events = shuffle(events);
    if (opts.duplicate) events = [...events, ...events];
    for (const e of events) this.enqueue(e);
    return events.length;
  }

  replay(event: StripeEvent): void {
    this.enqueue(event);
  }

  /** Resolves once nothing is queued, in flight or waiting for a retry. */
  idle(timeoutMs = 10_000): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('stripe emulator: webhooks still pending after timeout')), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  reset(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.records.clear();
    this.queue = [];
    this.held = [];
    this.holding = false;
    this.dropCount = 0;
    this.notifyIdle();
  }

  close(): void {
    this.closed = true;
    this.reset();
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && !this.running && this.timers.size === 0;
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private enqueue(event: StripeEvent, attempt = 1): void {
    if (this.closed) return;
    if (!this.url) {
      this.records.set(event.id, { state: 'no-endpoint', attempts: this.records.get(event.id)?.attempts ?? [] });
      return;
    }
    const record = this.records.get(event.id) ?? { state: 'pending', attempts: [] };
    record.state = 'pending';
    this.records.set(event.id, record);
    this.queue.push({ event, attempt });
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) await this.deliver(job);
    } finally {
      this.running = false;
      this.notifyIdle();
    }
  }

  private async deliver({ event, attempt }: Job): Promise<void> {
    const url = this.url;
    const record = this.records.get(event.id) ?? { state: 'pending', attempts: [] };
    this.records.set(event.id, record);
    if (!url || this.closed) return;
    const payload = JSON.stringify(event, null, 2);
    const at = new Date().toISOString();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Stripe-Signature': signPayload(payload, this.secret),
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      record.attempts.push({ at, ok: res.ok, status: res.status });
      if (res.ok) {
        record.state = 'delivered';
        event.pending_webhooks = 0;
        return;
      }
    } catch (err) {
      record.attempts.push({ at, ok: false, error: err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err) });
    }
    if (attempt >= this.retry.attempts || this.closed) {
      record.state = 'failed';
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(event, attempt + 1);
      this.notifyIdle();
    }, this.retry.baseDelayMs * 2 ** (attempt - 1));
    this.timers.add(timer);
  }
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a === undefined || b === undefined) continue;
    out[i] = b;
    out[j] = a;
  }
  return out;
}
