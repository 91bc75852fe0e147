import { sql } from "drizzle-orm";
import type { Tx } from "@/server/db/tenancy";
import { env } from "@/server/env";
import type { MetricId } from "./metrics";
import { lockOpenPeriods, periodOf, type UsagePeriod } from "./periods";

/**
 * The one code path that records usage: the ingestion endpoint, the storefront visit buffer,
 * the API-call meter and the storage job all end here, with a batch.
 *
 * A batch costs a fixed handful of statements whatever its size (period locks, closed-period
 * check, partition check, one multi-row insert): nothing is done per event in the database.
 *
 * Idempotency: the primary key (tenant_id, period, idempotency_key) makes a replay of an event
 * (same key, same time) a no-op. A partitioned table's unique keys must contain the partition
 * key, so the same key re-sent with a time in the other month would not collide there; for
 * events within BOUNDARY_WINDOW_MS of a month boundary the neighbouring month is therefore
 * checked too, under a per-tenant lock so two such replays cannot pass each other.
 */
export type UsageSource = "api" | "storefront" | "platform" | "system";

export type UsageEventInput = {
  tenantId: string;
  metric: MetricId;
  /** Exact decimal string, validated (non-negative, at most 6 decimals). */
  quantity: string;
  occurredAt: Date;
  idempotencyKey: string;
  source: UsageSource;
};

export type UsageRejection = "future_time" | "too_old" | "period_closed";

export type UsageOutcome = { status: "accepted" } | { status: "duplicate" } | { status: "rejected"; code: UsageRejection; message: string };

/** How far ahead of the server's clock an event may be stamped. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** Events this close to a month boundary are also checked against the neighbouring month. */
export const BOUNDARY_WINDOW_MS = 24 * 60 * 60_000;

/** The oldest period still kept (USAGE_RETENTION_MONTHS before the current one). */
export function oldestRetainedPeriod(now = new Date(), months = env.USAGE_RETENTION_MONTHS): UsagePeriod {
  return periodOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1)));
}

function shiftPeriod(period: UsagePeriod, months: number): UsagePeriod {
  const d = new Date(`${period}T00:00:00.000Z`);
  return periodOf(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1)));
}

/** The neighbouring period an event near a boundary must also be unique in, or null. */
export function neighbourPeriod(at: Date): UsagePeriod | null {
  const period = periodOf(at);
  const start = new Date(`${period}T00:00:00.000Z`).getTime();
  const next = new Date(`${shiftPeriod(period, 1)}T00:00:00.000Z`).getTime();
  if (at.getTime() - start < BOUNDARY_WINDOW_MS) return shiftPeriod(period, -1);
  if (next - at.getTime() <= BOUNDARY_WINDOW_MS) return shiftPeriod(period, 1);
  return null;
}

const keyOf = (tenantId: string, idempotencyKey: string) => `${tenantId}\u0000${idempotencyKey}`;

type Probe = { tenant_id: string; period: string; idempotency_key: string };

/** Which (tenant, key) pairs already exist in the given periods: one statement for the lot. */
async function existingKeys(tx: Tx, probes: Probe[]): Promise<Set<string>> {
  if (probes.length === 0) return new Set();
  const rows = await tx.execute<{ tenant_id: string; idempotency_key: string }>(sql`
    select e.tenant_id::text as tenant_id, e.idempotency_key
    from json_to_recordset(${JSON.stringify(probes)}::json) as p(tenant_id uuid, period date, idempotency_key text)
    join usage_events e on e.tenant_id = p.tenant_id and e.period = p.period and e.idempotency_key = p.idempotency_key`);
  return new Set(rows.map((r) => keyOf(r.tenant_id, r.idempotency_key)));
}

/**
 * Records a batch of usage events in the caller's transaction (withTenant for one shop's events,
 * withSystem for a platform batch naming several shops) and returns one outcome per event, in
 * order. Refused events are reported, never thrown; the valid ones are stored.
 */
export async function recordUsage(tx: Tx, events: UsageEventInput[], now = new Date()): Promise<UsageOutcome[]> {
  const outcomes: (UsageOutcome | undefined)[] = new Array(events.length);
  const periods = events.map((e) => periodOf(e.occurredAt));
  const oldest = oldestRetainedPeriod(now);
  const firstIndex = new Map<string, number>();
  const live: number[] = [];
  events.forEach((e, i) => {
    if (e.occurredAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
      outcomes[i] = { status: "rejected", code: "future_time", message: "occurredAt is more than 5 minutes in the future." };
    } else if (periods[i]! < oldest) {
      outcomes[i] = { status: "rejected", code: "too_old", message: `occurredAt is before ${oldest}, the oldest month kept.` };
    } else {
      // The same event twice in one batch counts once, whichever month each copy names.
      const key = keyOf(e.tenantId, e.idempotencyKey);
      if (firstIndex.has(key)) outcomes[i] = { status: "duplicate" };
      else {
        firstIndex.set(key, i);
        live.push(i);
      }
    }
  });
  if (live.length === 0) return outcomes as UsageOutcome[];

  // 1. Shared period locks (held to commit): a billing run cannot close a month under us.
  const closed = await lockOpenPeriods(tx, live.map((i) => periods[i]!));
  const open = live.filter((i) => !closed.has(periods[i]!));
  // 2. An event of a closed month is a duplicate if it was recorded before the close, else refused.
  const late = live.filter((i) => closed.has(periods[i]!));
  if (late.length > 0) {
    const known = await existingKeys(tx, late.map((i) => ({ tenant_id: events[i]!.tenantId, period: periods[i]!, idempotency_key: events[i]!.idempotencyKey })));
    for (const i of late) {
      outcomes[i] = known.has(keyOf(events[i]!.tenantId, events[i]!.idempotencyKey))
        ? { status: "duplicate" }
        : { status: "rejected", code: "period_closed", message: `The period ${periods[i]!.slice(0, 7)} is already billed; late events are refused.` };
    }
  }
  if (open.length === 0) return outcomes as UsageOutcome[];

  // 3. Events near a month boundary: the same key in the neighbouring month is a replay. The
  //    per-tenant lock serialises such checks, so two replays on either side cannot both insert.
  const nearBoundary = open.flatMap((i) => {
    const neighbour = neighbourPeriod(events[i]!.occurredAt);
    return neighbour ? [{ i, neighbour }] : [];
  });
  if (nearBoundary.length > 0) {
    const boundaryTenants = [...new Set(nearBoundary.map(({ i }) => events[i]!.tenantId))].sort();
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('usage_boundary'), hashtext(t)) from unnest(${`{${boundaryTenants.join(",")}}`}::text[]) as t order by t`);
    const known = await existingKeys(tx, nearBoundary.map(({ i, neighbour }) => ({ tenant_id: events[i]!.tenantId, period: neighbour, idempotency_key: events[i]!.idempotencyKey })));
    for (const { i } of nearBoundary) if (known.has(keyOf(events[i]!.tenantId, events[i]!.idempotencyKey))) outcomes[i] = { status: "duplicate" };
  }
  const toInsert = open.filter((i) => !outcomes[i]);
  if (toInsert.length === 0) return outcomes as UsageOutcome[];

  // 4. Partitions exist (cheap when they do), then one multi-row insert; a conflict is a replay.
  const newPeriods = [...new Set(toInsert.map((i) => periods[i]!))];
  await tx.execute(sql`select usage_events_ensure_partition(p) from unnest(${`{${newPeriods.join(",")}}`}::date[]) as p`);
  const rows = toInsert.map((i) => {
    const e = events[i]!;
    return { t: e.tenantId, p: periods[i], k: e.idempotencyKey, m: e.metric, q: e.quantity, o: e.occurredAt.toISOString(), s: e.source };
  });
  const inserted = await tx.execute<{ tenant_id: string; idempotency_key: string }>(sql`
    insert into usage_events (tenant_id, period, idempotency_key, metric, quantity, occurred_at, source)
    select t, p, k, m, q, o, s from json_to_recordset(${JSON.stringify(rows)}::json) as x(t uuid, p date, k text, m text, q numeric, o timestamptz, s text)
    on conflict do nothing
    returning tenant_id::text as tenant_id, idempotency_key`);
  const stored = new Set(inserted.map((r) => keyOf(r.tenant_id, r.idempotency_key)));
  for (const i of toInsert) outcomes[i] = stored.has(keyOf(events[i]!.tenantId, events[i]!.idempotencyKey)) ? { status: "accepted" } : { status: "duplicate" };
  return outcomes as UsageOutcome[];
}
