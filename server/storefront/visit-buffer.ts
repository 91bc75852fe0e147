import { randomUUID } from "node:crypto";
import { withTenant, type Tx } from "@/server/db/tenancy";
import { insertVisits, visitsWithinRateLimit, type VisitRow } from "@/server/domain/analytics";
import { resolveStorefrontTenant, storefrontAvailability } from "@/server/domain/storefront-tenant";
import { periodOf } from "@/server/domain/usage/periods";
import { recordUsage } from "@/server/domain/usage/record";
import { logger } from "@/server/logger";

/**
 * Storefront visits are buffered in memory and written in batches, one
 * withTenant transaction per shop, so recording a page view never waits on the
 * database. A batch is flushed after FLUSH_MS or at MAX_BATCH rows. Analytics
 * is best effort: a failed batch is logged, not retried, and a crash loses at
 * most one interval of page views. Visits over a client's rate limit are dropped.
 * The kept visits are also metered as `storefront_visits` usage, in the same transaction and
 * through the same recordUsage path as every other metric (one event per shop, month and batch).
 */
const FLUSH_MS = 1_000;
const MAX_BATCH = 500;

let queue: { slug: string; row: VisitRow }[] = [];
let timer: NodeJS.Timeout | undefined;

export function enqueueVisit(slug: string, row: VisitRow): void {
  queue.push({ slug, row });
  if (queue.length >= MAX_BATCH) void flushVisits();
  else if (!timer) {
    timer = setTimeout(() => void flushVisits(), FLUSH_MS);
    timer.unref();
  }
}

export async function flushVisits(): Promise<number> {
  clearTimeout(timer);
  timer = undefined;
  const batch = queue;
  queue = [];
  const bySlug = new Map<string, VisitRow[]>();
  for (const { slug, row } of batch) bySlug.set(slug, [...(bySlug.get(slug) ?? []), row]);
  let written = 0;
  for (const [slug, rows] of bySlug) {
    try {
      const tenant = await resolveStorefrontTenant(slug);
      if (storefrontAvailability(tenant) !== "open" || !tenant) continue;
      written += await withTenant(tenant.id, async (tx) => {
        const kept = await visitsWithinRateLimit(tx, tenant.id, rows);
        await insertVisits(tx, tenant.id, kept);
        await meterVisits(tx, tenant.id, kept);
        return kept.length;
      });
    } catch (error) {
      logger.warn({ err: error, slug, rows: rows.length }, "dropping a batch of storefront visits");
    }
  }
  return written;
}

async function meterVisits(tx: Tx, tenantId: string, kept: VisitRow[]): Promise<void> {
  const byPeriod = new Map<string, { count: number; at: Date }>();
  for (const v of kept) {
    const entry = byPeriod.get(periodOf(v.occurredAt));
    if (entry) entry.count++;
    else byPeriod.set(periodOf(v.occurredAt), { count: 1, at: v.occurredAt });
  }
  const outcomes = await recordUsage(
    tx,
    [...byPeriod.values()].map(({ count, at }) => ({ tenantId, metric: "storefront_visits", quantity: String(count), occurredAt: at, idempotencyKey: `storefront_visits:${randomUUID()}`, source: "storefront" })),
  );
  for (const o of outcomes) if (o.status === "rejected") logger.warn({ tenantId, code: o.code }, "storefront_visits usage refused");
}
