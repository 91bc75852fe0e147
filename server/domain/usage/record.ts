import { sql } from "drizzle-orm";
import type { Tx } from "@/server/db/tenancy";
import { env } from "@/server/env";
import type { MetricId } from "./metrics";
import { lockPeriodsShared, type UsagePeriod } from "./periods";

/**
 * The one code path that records usage: the ingestion endpoint, the storefront visit buffer,
 * the API-call meter and the storage job all end here, with a batch.
 *
 * A batch costs a fixed handful of statements whatever its size (period locks, one multi-row
 * insert that also checks closed months and the neighbouring month): nothing is done per event
 * in the database but the insert itself.
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
  return periodOfMonth(now.getUTCFullYear() * 12 + now.getUTCMonth() - months);
}

/**
 * A UTC month as a number (year * 12 + month index) and its bounds in epoch milliseconds.
 * recordUsage works on these instead of Date objects: under Next.js, `new Date(...)` goes
 * through a patched constructor, and building several Dates and ISO strings per event was the
 * largest share of the ingestion server's CPU (bench:ingest profile).
 */
type Month = { index: number; start: number; end: number; period: UsagePeriod };

function periodOfMonth(index: number): UsagePeriod {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${String(year).padStart(4, "0")}-${month < 10 ? "0" : ""}${month}-01`;
}

function monthOfIndex(index: number): Month {
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0 to 99 as 1900 to 1999.
  const at = (y: number, m: number) => new Date(0).setUTCFullYear(y, m, 1);
  return { index, start: at(year, month), end: at(year, month + 1), period: periodOfMonth(index) };
}

/** Month lookups for one batch: events of a batch mostly share a month or two, so this rarely builds a Date. */
function monthFinder(): (ms: number) => Month {
  const seen: Month[] = [];
  let last: Month | undefined;
  return (ms) => {
    if (last && ms >= last.start && ms < last.end) return last;
    last = seen.find((m) => ms >= m.start && ms < m.end);
    if (!last) {
      const d = new Date(ms);
      last = monthOfIndex(d.getUTCFullYear() * 12 + d.getUTCMonth());
      seen.push(last);
    }
    return last;
  };
}

/** The neighbouring month an instant within BOUNDARY_WINDOW_MS of its month's edge must also be unique in, or null. */
function neighbourOf(ms: number, month: Month): UsagePeriod | null {
  if (ms - month.start < BOUNDARY_WINDOW_MS) return periodOfMonth(month.index - 1);
  if (month.end - ms <= BOUNDARY_WINDOW_MS) return periodOfMonth(month.index + 1);
  return null;
}

/** The neighbouring period an event near a boundary must also be unique in, or null. */
export function neighbourPeriod(at: Date): UsagePeriod | null {
  return neighbourOf(at.getTime(), monthFinder()(at.getTime()));
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
 * One row of the insert: ordinal in the batch, tenant (its 1-based place in the batch's list of
 * tenants: a batch names few shops, and a uuid per row was a quarter of the bytes PostgreSQL
 * parsed), period, key, metric, quantity, time, source, and the neighbour period (left out
 * when there is none, as it mostly is).
 */
type Row = { i: number; t: number; p: string; k: string; m: string; q: string; o: string; s: string; n?: string };

/**
 * Records a batch of usage events in the caller's transaction (withTenant for one shop's events,
 * withSystem for a platform batch naming several shops) and returns one outcome per event, in
 * order. Refused events are reported, never thrown; the valid ones are stored.
 *
 * Statements, whatever the batch size: the shared period locks (which also make sure the
 * months' partitions exist), the per-shop boundary locks when an event is within a day of a
 * month boundary, and one insert that skips closed months and keys already in the neighbouring
 * month, and answers with the ordinals it did not store (usually none) and the closed months.
 * Only when a month is closed does a last statement tell replays from late events.
 */
export async function recordUsage(tx: Tx, events: UsageEventInput[], now = new Date()): Promise<UsageOutcome[]> {
  const outcomes: (UsageOutcome | undefined)[] = new Array(events.length);
  const monthOf = monthFinder();
  const months: Month[] = new Array(events.length);
  const nowMs = now.getTime();
  const oldestIndex = now.getUTCFullYear() * 12 + now.getUTCMonth() - env.USAGE_RETENTION_MONTHS;
  const firstIndex = new Map<string, number>();
  const rows: Row[] = [];
  const periods = new Set<UsagePeriod>();
  const boundaryTenants = new Set<string>();
  const tenantIndex = new Map<string, number>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const ms = e.occurredAt.getTime();
    const month = monthOf(ms);
    months[i] = month;
    if (ms > nowMs + MAX_CLOCK_SKEW_MS) {
      outcomes[i] = { status: "rejected", code: "future_time", message: "occurredAt is more than 5 minutes in the future." };
      continue;
    }
    if (month.index < oldestIndex) {
      outcomes[i] = { status: "rejected", code: "too_old", message: `occurredAt is before ${periodOfMonth(oldestIndex)}, the oldest month kept.` };
      continue;
    }
    // The same event twice in one batch counts once, whichever month each copy names.
    const key = keyOf(e.tenantId, e.idempotencyKey);
    if (firstIndex.has(key)) {
      outcomes[i] = { status: "duplicate" };
      continue;
    }
    firstIndex.set(key, i);
    const neighbour = neighbourOf(ms, month);
    if (neighbour) boundaryTenants.add(e.tenantId);
    periods.add(month.period);
    let t = tenantIndex.get(e.tenantId);
    if (t === undefined) tenantIndex.set(e.tenantId, (t = tenantIndex.size + 1));
    const row: Row = { i, t, p: month.period, k: e.idempotencyKey, m: e.metric, q: e.quantity, o: e.occurredAt.toISOString(), s: e.source };
    if (neighbour) row.n = neighbour;
    rows.push(row);
  }
  if (rows.length === 0) return outcomes as UsageOutcome[];

  // 1. Shared period locks, held to commit: a billing run cannot close a month under us (and
  //    the months' partitions exist, so no insert waits on DDL).
  await lockPeriodsShared(tx, periods, { ensurePartitions: true });
  // 2. Events near a month boundary: the same key in the neighbouring month is a replay. The
  //    per-tenant lock serialises such checks, so two replays on either side cannot both insert.
  //    A separate statement, taken after the period locks, so locks are always taken in that order.
  if (boundaryTenants.size > 0) {
    const tenants = [...boundaryTenants].sort();
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('usage_boundary'), hashtext(t)) from unnest(${`{${tenants.join(",")}}`}::text[]) as t`);
  }
  // 3. One insert. Its snapshot is taken after the locks above are held, so it sees every close
  //    and every neighbouring-month event committed before; a conflict on the primary key is a
  //    replay. It returns the ordinals not stored and the closed months, not a row per event.
  const [result] = await tx.execute<{ missed: number[]; closed: string[] }>(sql`
    with x as materialized (
      select x.i, (select ${`{${[...tenantIndex.keys()].join(",")}}`}::uuid[])[x.t] as t, x.p, x.k, x.m, x.q, x.o, x.s, x.n
      from json_to_recordset(${JSON.stringify(rows)}::json) as x(i int, t int, p date, k text, m text, q numeric, o timestamptz, s text, n date)
    ),
    closed as (select period from closed_usage_periods where period in (select distinct p from x)),
    ins as (
      insert into usage_events (tenant_id, period, idempotency_key, metric, quantity, occurred_at, source)
      select t, p, k, m, q, o, s from x
      where p not in (select period from closed)
        and (n is null or not exists (select 1 from usage_events e where e.tenant_id = x.t and e.period = x.n and e.idempotency_key = x.k))
      on conflict do nothing
      returning tenant_id, period, idempotency_key
    )
    select
      case when (select count(*) from ins) = (select count(*) from x) then '{}'::int[]
        else array(select i from x where not exists (select 1 from ins where ins.tenant_id = x.t and ins.period = x.p and ins.idempotency_key = x.k))
      end as missed,
      array(select period::text from closed) as closed`);
  const closed = new Set(result!.closed);
  for (const row of rows) outcomes[row.i] = { status: "accepted" };
  const late: Row[] = [];
  for (const i of result!.missed) {
    if (closed.has(months[i]!.period)) late.push(rows.find((r) => r.i === i)!);
    else outcomes[i] = { status: "duplicate" };
  }
  // 4. Rare: an event of a closed month is a duplicate if it was recorded before the close, else refused.
  if (late.length > 0) {
    const known = await existingKeys(tx, late.map((r) => ({ tenant_id: events[r.i]!.tenantId, period: r.p, idempotency_key: r.k })));
    for (const r of late) {
      outcomes[r.i] = known.has(keyOf(events[r.i]!.tenantId, r.k))
        ? { status: "duplicate" }
        : { status: "rejected", code: "period_closed", message: `The period ${r.p.slice(0, 7)} is already billed; late events are refused.` };
    }
  }
  return outcomes as UsageOutcome[];
}
