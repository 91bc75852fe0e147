import { and, count, countDistinct, desc, eq, gte, isNotNull, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { products, visitRateLimits, visits } from "@/server/db/schema";
import { env } from "@/server/env";
import type { Tx } from "@/server/db/tenancy";
import type { TenantContext } from "./context";
import { text } from "./text";

const utm = text().trim().max(200).nullish().transform((v) => v || null);

/** One storefront page view as the beacon reports it (the tenant comes from the resolved slug, never from the client). */
export const visitInput = z.object({
  path: text().max(500).startsWith("/"),
  productId: z.uuid().nullish().transform((v) => v ?? null),
  utmSource: utm,
  utmMedium: utm,
  utmCampaign: utm,
  utmTerm: utm,
  utmContent: utm,
  referrerHost: text().trim().toLowerCase().max(255).nullish().transform((v) => v || null),
});
export type VisitInput = z.output<typeof visitInput>;
/** A page view to record; `clientKey` (a keyed hash of the client's address) counts toward the rate limit and is not stored with it. */
export type VisitRow = VisitInput & { visitorId: string; occurredAt: Date; clientKey: string | null };

/** Inserts a batch of visits for one tenant; `tx` is that tenant's withTenant transaction. */
export async function insertVisits(tx: Tx, tenantId: string, rows: VisitRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(visits).values(rows.map(({ clientKey: _counted, ...r }) => ({ tenantId, ...r })));
}

/**
 * The visits of a batch that fit the rate limit: at most `perMinute` per client address
 * and minute for this shop; the rest are dropped (the beacon has answered already).
 * The counts live in visit_rate_limits, in the caller's withTenant transaction, so every
 * web instance shares them; earlier minutes' rows are deleted as the current one is counted.
 * Visits with no client key (no trusted address) are not limited.
 */
export async function visitsWithinRateLimit(tx: Tx, tenantId: string, rows: VisitRow[], perMinute = env.VISIT_RATE_LIMIT_PER_MINUTE): Promise<VisitRow[]> {
  const inBatch = new Map<string, number>();
  for (const r of rows) if (r.clientKey) inBatch.set(r.clientKey, (inBatch.get(r.clientKey) ?? 0) + 1);
  if (inBatch.size === 0) return rows;
  const minute = sql`date_trunc('minute', now())`;
  await tx.delete(visitRateLimits).where(lt(visitRateLimits.windowStart, minute));
  const counted = await tx
    .insert(visitRateLimits)
    .values([...inBatch].map(([clientKey, hits]) => ({ tenantId, clientKey, windowStart: minute, hits })))
    .onConflictDoUpdate({ target: [visitRateLimits.tenantId, visitRateLimits.clientKey, visitRateLimits.windowStart], set: { hits: sql`${visitRateLimits.hits} + excluded.hits` } })
    .returning({ clientKey: visitRateLimits.clientKey, hits: visitRateLimits.hits });
  // Each client's count before this batch; its visits are kept while the count stays within the limit.
  const seen = new Map(counted.map((c) => [c.clientKey, c.hits - inBatch.get(c.clientKey)!]));
  return rows.filter((r) => {
    if (!r.clientKey) return true;
    const n = seen.get(r.clientKey)! + 1;
    seen.set(r.clientKey, n);
    return n <= perMinute;
  });
}

/**
 * Deletes one tenant's visits from before `cutoff`, at most `limit` rows. `tx` is a
 * withSystem transaction: retention is platform work, and the tenant role has no right
 * to delete visits at all. Returns how many went: call again until 0, so a large
 * backlog is removed in short transactions.
 */
export async function purgeVisitsBefore(tx: Tx, tenantId: string, cutoff: Date, limit = 5_000): Promise<number> {
  const rows = await tx.execute(sql`
    delete from ${visits} where ${visits.tenantId} = ${tenantId} and ${visits.id} in (
      select ${visits.id} from ${visits} where ${visits.tenantId} = ${tenantId} and ${visits.occurredAt} < ${cutoff.toISOString()}::timestamptz limit ${limit}
    ) returning 1`);
  return rows.length;
}

export const analyticsInput = z.object({ days: z.number().int().min(1).max(365).default(30) });

export type AnalyticsSummary = {
  days: number;
  totals: { visits: number; visitors: number };
  daily: { day: string; visits: number; visitors: number }[];
  topSources: { source: string; visits: number }[];
  topCampaigns: { campaign: string; visits: number }[];
  topProducts: { productId: string; name: string; slug: string; visits: number }[];
};

export async function getAnalytics(ctx: TenantContext, input: z.output<typeof analyticsInput>): Promise<AnalyticsSummary> {
  const since = new Date(Date.now() - input.days * 24 * 60 * 60 * 1000);
  const inRange = gte(visits.occurredAt, since);
  const day = sql<string>`to_char(date_trunc('day', ${visits.occurredAt} at time zone 'UTC'), 'YYYY-MM-DD')`;
  const source = sql<string>`coalesce(${visits.utmSource}, ${visits.referrerHost}, '(direct)')`;
  const [totals, daily, sources, campaigns, top] = await Promise.all([
    ctx.tx.select({ visits: count(), visitors: countDistinct(visits.visitorId) }).from(visits).where(inRange),
    ctx.tx.select({ day, visits: count(), visitors: countDistinct(visits.visitorId) }).from(visits).where(inRange).groupBy(day).orderBy(day),
    ctx.tx.select({ source, visits: count() }).from(visits).where(inRange).groupBy(source).orderBy(desc(count())).limit(10),
    ctx.tx
      .select({ campaign: visits.utmCampaign, visits: count() })
      .from(visits)
      .where(and(inRange, isNotNull(visits.utmCampaign)))
      .groupBy(visits.utmCampaign)
      .orderBy(desc(count()))
      .limit(10),
    ctx.tx
      .select({ productId: products.id, name: products.name, slug: products.slug, visits: count() })
      .from(visits)
      .innerJoin(products, and(eq(products.tenantId, visits.tenantId), eq(products.id, visits.productId)))
      .where(inRange)
      .groupBy(products.id, products.name, products.slug)
      .orderBy(desc(count()))
      .limit(10),
  ]);
  // Fill days without visits so the chart's time axis has no gaps.
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const filled: AnalyticsSummary["daily"] = [];
  for (let i = input.days - 1; i >= 0; i--) {
    const d = new Date(Date.now() - i * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const row = byDay.get(d);
    filled.push({ day: d, visits: row?.visits ?? 0, visitors: row?.visitors ?? 0 });
  }
  return {
    days: input.days,
    totals: { visits: totals[0]?.visits ?? 0, visitors: totals[0]?.visitors ?? 0 },
    daily: filled,
    topSources: sources,
    topCampaigns: campaigns.map((c) => ({ campaign: c.campaign ?? "", visits: c.visits })),
    topProducts: top,
  };
}
