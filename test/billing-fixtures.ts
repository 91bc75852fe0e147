import { sql } from "drizzle-orm";
import { periodBounds, periodOf, type UsagePeriod } from "@/server/domain/usage/periods";
import { withSystem } from "@/server/db/tenancy";

/**
 * Billing-run test data, written straight into the tables (ingestion is another path): shops on
 * a plan, optionally paying through Stripe, and usage events of a period.
 */

/** The last finished month: the only one whose meter events Stripe still takes (35 days). */
export function lastPeriod(now = new Date()): UsagePeriod {
  return periodOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)));
}

export type ShopSpec = { plan?: string; paid?: boolean; currency?: string };

/** `count` shops at once (no owner: the run needs none), returning their ids in creation order. */
export async function makeShops(count: number, spec: ShopSpec = {}): Promise<string[]> {
  const { plan = "starter", paid = true, currency = "EUR" } = spec;
  return withSystem("test-shops", async (tx) => {
    const rows = await tx.execute<{ id: string }>(sql`
      insert into tenants (slug, name, status, plan, default_currency)
      select 'bill-' || substr(md5(random()::text), 1, 12) || '-' || g, 'Billing shop ' || g, 'active', ${plan}, ${currency}
      from generate_series(1, ${count}) g
      returning id::text as id`);
    const ids = rows.map((r) => r.id);
    if (paid) {
      await tx.execute(sql`
        insert into subscriptions (tenant_id, stripe_customer_id, stripe_subscription_id, plan, status)
        select id, 'cus_' || replace(id::text, '-', ''), 'sub_' || replace(id::text, '-', ''), ${plan}, 'active'
        from unnest(${sql.raw(`ARRAY[${ids.map((id) => `'${id}'`).join(",")}]::uuid[]`)}) as id`);
    }
    return ids;
  });
}

export const customerOf = (tenantId: string) => `cus_${tenantId.replaceAll("-", "")}`;

/** `events` usage events of one metric adding up to `total` (split evenly; the last takes the rest), inside the period. */
export async function addUsage(tenantId: string, period: UsagePeriod, metric: string, total: string, events = 1): Promise<void> {
  const { start } = periodBounds(period);
  await withSystem("test-usage", async (tx) => {
    await tx.execute(sql`select usage_events_ensure_partition(${period}::date)`);
    await tx.execute(sql`
      insert into usage_events (tenant_id, period, idempotency_key, metric, quantity, occurred_at, source)
      select ${tenantId}::uuid, ${period}::date, ${metric} || '-' || g || '-' || md5(random()::text), ${metric},
        case when g = ${events} then ${total}::numeric - trunc(${total}::numeric / ${events}, 6) * (${events} - 1) else trunc(${total}::numeric / ${events}, 6) end,
        ${start.toISOString()}::timestamptz + make_interval(hours => g % 600), 'system'
      from generate_series(1, ${events}) g`);
  });
}

/** Removes every trace of billing a period, so each test starts from an unbilled, open month. */
export async function resetPeriod(period: UsagePeriod): Promise<void> {
  await withSystem("test-reset-period", async (tx) => {
    await tx.execute(sql`delete from usage_statements where period = ${period}::date`);
    await tx.execute(sql`delete from billing_runs where period = ${period}::date`);
    await tx.execute(sql`delete from closed_usage_periods where period = ${period}::date`);
    await tx.execute(sql`select usage_events_ensure_partition(${period}::date)`);
    await tx.execute(sql`delete from usage_events where period = ${period}::date`);
  });
}

export async function countRows(period: UsagePeriod): Promise<{ statements: number; lines: number; ledger: number; pending: number }> {
  const [row] = await withSystem("test-count", (tx) =>
    tx.execute<{ statements: number; lines: number; ledger: number; pending: number }>(sql`
      select (select count(*)::int from usage_statements where period = ${period}::date) as statements,
             (select count(*)::int from usage_statement_lines where period = ${period}::date) as lines,
             (select count(*)::int from meter_event_reports where period = ${period}::date) as ledger,
             (select count(*)::int from meter_event_reports where period = ${period}::date and status = 'pending') as pending`),
  );
  return row!;
}
