import { sql } from "drizzle-orm";
import type { Tx } from "@/server/db/tenancy";

/**
 * A usage period is a UTC calendar month, written as its first day ("2026-11-01"). Recording
 * usage and closing a period for billing take the same advisory lock on the period, shared by
 * writers and exclusive for the close, so an event is either committed before the billing run
 * reads the period or refused after it: never silently left out of a statement.
 */
export type UsagePeriod = string;

export function periodOf(at: Date): UsagePeriod {
  return `${at.toISOString().slice(0, 7)}-01`;
}

/** "2026-11" or "2026-11-01" → "2026-11-01"; null when it is not a month. */
export function parsePeriod(input: string): UsagePeriod | null {
  const match = /^(\d{4})-(0[1-9]|1[0-2])(?:-01)?$/.exec(input);
  return match ? `${match[1]}-${match[2]}-01` : null;
}

/** [start, end) of the period as instants. */
export function periodBounds(period: UsagePeriod): { start: Date; end: Date } {
  const start = new Date(`${period}T00:00:00.000Z`);
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return { start, end };
}

const lockKey = (period: UsagePeriod) => sql`hashtext('usage_period'), (${period}::date - date '2000-01-01')`;

/**
 * For a transaction about to record usage in `periods`: takes the shared period locks (held to
 * commit) and returns the periods among them that are already closed, whose events must be refused.
 */
export async function lockOpenPeriods(tx: Tx, periods: Iterable<UsagePeriod>): Promise<Set<UsagePeriod>> {
  const distinct = await lockPeriodsShared(tx, periods);
  if (distinct.length === 0) return new Set();
  const rows = await tx.execute<{ period: string }>(
    sql`select period::text as period from closed_usage_periods where period in (${sql.join(distinct.map((p) => sql`${p}::date`), sql`, `)})`,
  );
  return new Set(rows.map((r) => r.period));
}

/**
 * Takes the shared period locks (held to commit) in one statement, in period order, and returns
 * the distinct periods. With `ensurePartitions`, the same statement makes sure each month's
 * partition exists (a catalog lookup when it does). Whether a period is closed must be read by a
 * LATER statement: a statement's snapshot is taken before it waits for a lock, so a close that
 * commits while we wait would not be visible to this one.
 */
export async function lockPeriodsShared(tx: Tx, periods: Iterable<UsagePeriod>, opts: { ensurePartitions?: boolean } = {}): Promise<UsagePeriod[]> {
  const distinct = [...new Set(periods)].sort();
  if (distinct.length === 0) return distinct;
  // unnest yields the sorted array in order and nothing re-sorts it, so locks are taken in
  // period order (two writers never wait on each other in opposite orders behind a close).
  const list = sql`${`{${distinct.join(",")}}`}::date[]`;
  if (opts.ensurePartitions) {
    await tx.execute(sql`select pg_advisory_xact_lock_shared(hashtext('usage_period'), (p - date '2000-01-01')), usage_events_ensure_partition(p) from unnest(${list}) as p`);
  } else {
    await tx.execute(sql`select pg_advisory_xact_lock_shared(hashtext('usage_period'), (p - date '2000-01-01')) from unnest(${list}) as p`);
  }
  return distinct;
}

/**
 * Closes a period to new usage (idempotent). Waits for transactions recording usage in it to
 * commit, so whatever is read after this commits is the period's final usage.
 */
export async function closePeriod(tx: Tx, period: UsagePeriod): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${lockKey(period)})`);
  await tx.execute(sql`insert into closed_usage_periods (period) values (${period}) on conflict do nothing`);
}

/** Makes sure the month's partition of usage_events exists (cheap when it does). */
export async function ensureUsagePartition(tx: Tx, period: UsagePeriod): Promise<void> {
  await tx.execute(sql`select usage_events_ensure_partition(${period}::date)`);
}
