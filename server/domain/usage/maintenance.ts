import { sql } from "drizzle-orm";
import type { Tx } from "@/server/db/tenancy";
import { env } from "@/server/env";
import { periodOf, type UsagePeriod } from "./periods";
import { oldestRetainedPeriod, recordUsage, type UsageOutcome } from "./record";

/**
 * Platform upkeep of usage_events, run by daily jobs through the system door:
 * partitions for the coming months, retention by dropping whole months, and the daily
 * storage_gb_months measurement.
 */

/** Months ahead whose partitions are created in advance (so no insert waits on DDL at a month's start). */
const MONTHS_AHEAD = 2;

function addMonths(period: UsagePeriod, months: number): UsagePeriod {
  const d = new Date(`${period}T00:00:00.000Z`);
  return periodOf(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1)));
}

/** The existing monthly partitions of usage_events, oldest first, as their periods. */
export async function listUsagePartitions(tx: Tx): Promise<{ name: string; period: UsagePeriod }[]> {
  const rows = await tx.execute<{ name: string }>(sql`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'public.usage_events'::regclass order by c.relname`);
  return rows.flatMap((r) => {
    const m = /^usage_events_(\d{4})_(\d{2})$/.exec(r.name);
    return m ? [{ name: r.name, period: `${m[1]}-${m[2]}-01` }] : [];
  });
}

/**
 * Creates this month's and the next MONTHS_AHEAD months' partitions and drops every partition
 * older than the retention (USAGE_RETENTION_MONTHS before the current month). Dropping a month
 * is one DROP TABLE, not a DELETE of millions of rows. Returns what it did.
 */
export async function maintainUsagePartitions(tx: Tx, now = new Date(), retentionMonths = env.USAGE_RETENTION_MONTHS): Promise<{ created: UsagePeriod[]; dropped: UsagePeriod[] }> {
  const current = periodOf(now);
  const before = new Set((await listUsagePartitions(tx)).map((p) => p.period));
  const wanted = Array.from({ length: MONTHS_AHEAD + 1 }, (_, i) => addMonths(current, i));
  for (const period of wanted) await tx.execute(sql`select usage_events_ensure_partition(${period}::date)`);
  const oldest = oldestRetainedPeriod(now, retentionMonths);
  const dropped: UsagePeriod[] = [];
  for (const p of await listUsagePartitions(tx)) {
    if (p.period >= oldest) continue;
    await tx.execute(sql`drop table ${sql.identifier(p.name)}`);
    dropped.push(p.period);
  }
  return { created: wanted.filter((p) => !before.has(p)), dropped };
}

const BYTES_PER_GB = 1024 ** 3;

/**
 * Records one day of stored media as storage_gb_months for every shop that stores any:
 * GB stored / days in the month, so a month of days adds up to the month's average GB.
 * Idempotent per day (key `storage:<date>`), so a re-run of the job counts nothing twice.
 */
export async function recordDailyStorage(tx: Tx, now = new Date()): Promise<UsageOutcome[]> {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const daysInMonth = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0)).getUTCDate();
  const rows = await tx.execute<{ tenant_id: string; quantity: string }>(sql`
    select m.tenant_id::text as tenant_id, round(sum(m.bytes)::numeric / ${BYTES_PER_GB} / ${daysInMonth}, 6)::text as quantity
    from media_assets m join tenants t on t.id = m.tenant_id
    where m.status = 'ready' and t.status in ('active', 'suspended')
    group by m.tenant_id having sum(m.bytes) > 0`);
  const date = day.toISOString().slice(0, 10);
  return recordUsage(
    tx,
    rows.map((r) => ({ tenantId: r.tenant_id, metric: "storage_gb_months", quantity: r.quantity, occurredAt: day, idempotencyKey: `storage:${date}`, source: "system" })),
    now,
  );
}
