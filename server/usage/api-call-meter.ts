import { randomUUID } from "node:crypto";
import { withSystem } from "@/server/db/tenancy";
import { periodOf } from "@/server/domain/usage/periods";
import { recordUsage, type UsageEventInput } from "@/server/domain/usage/record";
import { logger } from "@/server/logger";

/**
 * Counts API calls made with shop keys, in memory, and records them as `api_calls` usage in
 * batches (one event per shop and month per flush) through recordUsage, like the storefront
 * visit buffer: no database write on a request's path. A failed flush keeps its events (same
 * idempotency keys) for the next one, so a retry can never count twice; a crash loses at most
 * one interval of counts.
 */
const FLUSH_MS = 2_000;
const MAX_PENDING_SHOPS = 1_000;
const MAX_FLUSH_ATTEMPTS = 5;

type Pending = { tenantId: string; count: number; firstAt: Date };
let counts = new Map<string, Pending>();
let retry: { event: UsageEventInput; attempts: number }[] = [];
let timer: NodeJS.Timeout | undefined;
let flushing: Promise<number> | null = null;

export function countApiCall(tenantId: string, at = new Date()): void {
  const key = `${tenantId}|${periodOf(at)}`;
  const pending = counts.get(key);
  if (pending) pending.count++;
  else counts.set(key, { tenantId, count: 1, firstAt: at });
  if (counts.size >= MAX_PENDING_SHOPS) void flushApiCalls();
  else if (!timer) {
    timer = setTimeout(() => void flushApiCalls(), FLUSH_MS);
    timer.unref();
  }
}

/** Writes the counted calls; returns how many calls were recorded. Serialised: one flush at a time. */
export async function flushApiCalls(): Promise<number> {
  if (flushing) await flushing.catch(() => 0);
  clearTimeout(timer);
  timer = undefined;
  const batch = [
    ...retry,
    ...[...counts.values()].map((p) => ({
      attempts: 0,
      event: { tenantId: p.tenantId, metric: "api_calls", quantity: String(p.count), occurredAt: p.firstAt, idempotencyKey: `api_calls:${randomUUID()}`, source: "platform" } satisfies UsageEventInput,
    })),
  ];
  counts = new Map();
  retry = [];
  if (batch.length === 0) return 0;
  flushing = (async () => {
    try {
      const outcomes = await withSystem("api-call-meter", (tx) => recordUsage(tx, batch.map((b) => b.event)));
      let recorded = 0;
      outcomes.forEach((o, i) => {
        if (o.status === "accepted") recorded += Number(batch[i]!.event.quantity);
        else if (o.status === "rejected") logger.warn({ tenantId: batch[i]!.event.tenantId, code: o.code }, "api_calls usage refused");
      });
      return recorded;
    } catch (error) {
      const kept = batch.filter((b) => b.attempts + 1 < MAX_FLUSH_ATTEMPTS).map((b) => ({ ...b, attempts: b.attempts + 1 }));
      retry.push(...kept);
      logger.warn({ err: error, events: batch.length, kept: kept.length }, "api_calls flush failed; retrying with the next flush");
      if (!timer) {
        timer = setTimeout(() => void flushApiCalls(), FLUSH_MS);
        timer.unref();
      }
      return 0;
    }
  })();
  try {
    return await flushing;
  } finally {
    flushing = null;
  }
}
