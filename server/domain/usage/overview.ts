import { and, eq, inArray, sql } from "drizzle-orm";
import { memberships, plans, tenants, usageAlerts, users, type Plan } from "@/server/db/schema";
import { withSystem, type Tx } from "@/server/db/tenancy";
import { env } from "@/server/env";
import { enqueueJobByName } from "@/server/jobs/queue";
import { formatPrice } from "@/lib/format-price";
import type { TenantContext } from "../context";
import { DomainError } from "../errors";
import { metricIds, metricRegistry, type MetricId } from "./metrics";
import { periodBounds, periodOf, type UsagePeriod } from "./periods";

/** One metric of the current period, as the Usage page shows it. Quantities and money are exact decimal strings. */
export type MetricUsage = {
  metric: MetricId;
  label: string;
  unit: string;
  used: string;
  included: string | null;
  /** Used so far, extrapolated linearly to the end of the period. */
  projected: string;
  overagePrice: string | null;
  /** (projected − included) × overage price, never negative; null when the plan bills no overage. */
  projectedOverageCost: string | null;
  percentOfIncluded: number | null;
};

export type UsageOverview = {
  period: UsagePeriod;
  currency: string;
  plan: { id: string; name: string };
  metrics: MetricUsage[];
  daily: ({ day: string } & Record<MetricId, number>)[];
  alerts: { metric: string; threshold: number; sentAt: Date }[];
};

type Totals = { metric: string; used: string; projected: string; cost: string | null }[];

/**
 * Projection and overage in SQL numeric arithmetic (exact), for each metric of the registry:
 * used, used × period length / elapsed, and the overage of the projection priced per unit.
 */
async function periodTotals(tx: Tx, tenantId: string, plan: Plan, period: UsagePeriod, now: Date): Promise<Totals> {
  const { start, end } = periodBounds(period);
  const elapsed = Math.max(1, Math.min(now.getTime(), end.getTime()) - start.getTime());
  const total = end.getTime() - start.getTime();
  const spec = metricIds.map((m) => ({ metric: m, included: String(plan.includedUsage[m] ?? 0), price: plan.overagePrices[m] ?? null }));
  return tx.execute<Totals[number]>(sql`
    with used as (
      select metric, sum(quantity) as used from usage_events
      where tenant_id = ${tenantId} and period = ${period}::date group by metric
    ), spec as (
      select * from json_to_recordset(${JSON.stringify(spec)}::json) as s(metric text, included numeric, price numeric)
    ), projected as (
      select s.metric, s.included, s.price, coalesce(u.used, 0) as used,
             round(coalesce(u.used, 0) * ${total}::numeric / ${elapsed}::numeric, 6) as projected
      from spec s left join used u using (metric)
    )
    select metric, used::text as used, projected::text as projected,
           case when price is null then null else round(greatest(projected - included, 0) * price, 3)::text end as cost
    from projected`);
}

async function planOf(tx: Tx, tenantId: string): Promise<{ plan: Plan; currency: string }> {
  const [row] = await tx.select({ plan: plans, currency: plans.currency }).from(tenants).innerJoin(plans, eq(plans.id, tenants.plan)).where(eq(tenants.id, tenantId));
  if (!row) throw new DomainError("not_found", "Shop not found");
  return row;
}

const percent = (used: string, included: string | null) => (included && Number(included) > 0 ? Math.floor((Number(used) / Number(included)) * 1000) / 10 : null);

export async function getUsageOverview(ctx: TenantContext, now = new Date()): Promise<UsageOverview> {
  const period = periodOf(now);
  const { plan, currency } = await planOf(ctx.tx, ctx.tenantId);
  const totals = await periodTotals(ctx.tx, ctx.tenantId, plan, period, now);
  const byMetric = new Map(totals.map((t) => [t.metric, t]));
  const dailyRows = await ctx.tx.execute<{ day: string; metric: string; used: string }>(sql`
    select to_char(date_trunc('day', occurred_at at time zone 'UTC'), 'YYYY-MM-DD') as day, metric, sum(quantity)::text as used
    from usage_events where tenant_id = ${ctx.tenantId} and period = ${period}::date group by 1, 2 order by 1`);
  // Every day of the period so far, so the chart's axis has no gaps.
  const days: UsageOverview["daily"] = [];
  const { start } = periodBounds(period);
  for (let d = new Date(start); d <= now && periodOf(d) === period; d = new Date(d.getTime() + 86_400_000)) {
    days.push({ day: d.toISOString().slice(0, 10), ...(Object.fromEntries(metricIds.map((m) => [m, 0])) as Record<MetricId, number>) });
  }
  const dayIndex = new Map(days.map((d, i) => [d.day, i]));
  for (const r of dailyRows) {
    const i = dayIndex.get(r.day);
    if (i !== undefined && r.metric in metricRegistry) days[i]![r.metric as MetricId] = Number(r.used);
  }
  const alerts = await ctx.tx.select({ metric: usageAlerts.metric, threshold: usageAlerts.threshold, sentAt: usageAlerts.sentAt }).from(usageAlerts).where(eq(usageAlerts.period, period));
  return {
    period,
    currency,
    plan: { id: plan.id, name: plan.name },
    metrics: metricIds.map((metric) => {
      const t = byMetric.get(metric);
      const included = plan.includedUsage[metric] === undefined ? null : String(plan.includedUsage[metric]);
      const used = t?.used ?? "0";
      return {
        metric,
        label: metricRegistry[metric].label,
        unit: metricRegistry[metric].unit,
        used,
        included,
        projected: t?.projected ?? "0",
        overagePrice: plan.overagePrices[metric] ?? null,
        projectedOverageCost: t?.cost ?? null,
        percentOfIncluded: percent(used, included),
      };
    }),
    daily: days,
    alerts,
  };
}

/** This month's API calls of the shop, for the Billing page's limit bar. */
export async function apiCallsThisMonth(ctx: Pick<TenantContext, "tx" | "tenantId">, now = new Date()): Promise<number> {
  const [row] = await ctx.tx.execute<{ n: string | null }>(
    sql`select sum(quantity)::text as n from usage_events where tenant_id = ${ctx.tenantId} and period = ${periodOf(now)}::date and metric = 'api_calls'`,
  );
  return Number(row?.n ?? 0);
}

export const ALERT_THRESHOLDS = [80, 100] as const;

/**
 * Sends the usage alerts due this period: at 80 % and 100 % of each included quantity, once per
 * shop, metric, period and threshold. The alert row and the queued mail job commit together
 * (the worker retries a failed send; no connection is held across the mail server), and the
 * row's primary key makes a second alert impossible. Returns the alerts queued.
 */
export async function checkUsageAlerts(now = new Date()): Promise<{ tenantId: string; metric: string; threshold: number }[]> {
  const period = periodOf(now);
  // One pass over the month's partition for every shop with usage: the candidates.
  const candidates = await withSystem("usage-alerts", (tx) =>
    tx.execute<{ tenant_id: string; metric: string; used: string; included: string }>(sql`
      select u.tenant_id::text as tenant_id, u.metric, u.used::text as used, (p.included_usage ->> u.metric) as included
      from (select tenant_id, metric, sum(quantity) as used from usage_events where period = ${period}::date group by 1, 2) u
      join tenants t on t.id = u.tenant_id and t.status in ('active', 'suspended')
      join plans p on p.id = t.plan
      where (p.included_usage ->> u.metric)::numeric > 0 and u.used >= (p.included_usage ->> u.metric)::numeric * 0.8`),
  );
  const sent: { tenantId: string; metric: string; threshold: number }[] = [];
  for (const c of candidates) {
    if (!(c.metric in metricRegistry)) continue;
    const due = ALERT_THRESHOLDS.filter((t) => Number(c.used) >= (Number(c.included) * t) / 100);
    for (const threshold of due) {
      // The system door: queueing the mail needs the job queue, which the tenant role cannot reach.
      const didSend = await withSystem("usage-alert", async (tx) => {
        const [row] = await tx.insert(usageAlerts).values({ tenantId: c.tenant_id, period, metric: c.metric, threshold, used: c.used }).onConflictDoNothing().returning();
        if (!row) return false;
        await queueAlertMail(tx, c.tenant_id, c.metric as MetricId, threshold, c.used, c.included, period);
        return true;
      });
      if (didSend) sent.push({ tenantId: c.tenant_id, metric: c.metric, threshold });
    }
  }
  return sent;
}

/** The worker's generic mail job (server/jobs/mail.ts), queued by name. */
export const SEND_MAIL_JOB = "mail:send";

async function queueAlertMail(tx: Tx, tenantId: string, metric: MetricId, threshold: number, used: string, included: string, period: UsagePeriod) {
  const [tenant] = await tx.select({ name: tenants.name, slug: tenants.slug, plan: tenants.plan }).from(tenants).where(eq(tenants.id, tenantId));
  const recipients = await tx
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenantId), inArray(memberships.role, ["owner", "admin"])));
  const [plan] = await tx.select().from(plans).where(eq(plans.id, tenant?.plan ?? "trial"));
  const price = plan?.overagePrices[metric];
  const { label, unit } = metricRegistry[metric];
  const month = period.slice(0, 7);
  const subject = threshold >= 100 ? `${tenant?.name}: ${label} included quantity used up for ${month}` : `${tenant?.name}: ${threshold} % of included ${label.toLowerCase()} used for ${month}`;
  const overage = price ? `Beyond it, each unit costs ${formatPrice(price, plan!.currency)}.` : "Your plan has no overage: upgrade for more.";
  const text = [
    `${tenant?.name} has used ${used} ${unit} of the ${included} included in the ${plan?.name ?? ""} plan this month (${month}).`,
    overage,
    `Usage: ${env.APP_URL}/dashboard/${tenant?.slug}/usage`,
  ].join("\n\n");
  for (const r of recipients) await enqueueJobByName(tx, SEND_MAIL_JOB, { to: r.email, subject, text });
}
