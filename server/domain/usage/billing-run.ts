import { and, asc, desc, eq, gt, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import pLimit from "p-limit";
import {
  billingRuns,
  meterEventReports,
  plans as plansTable,
  type BillingRun,
  type Plan,
  type PlanMetric,
} from "@/server/db/schema";
import { withSystem, withSystemSession, type Tx } from "@/server/db/tenancy";
import { env } from "@/server/env";
import { METER_EVENTS_PER_REQUEST, sendMeterEvents, type MeterEventInput } from "@/server/integrations/stripe";
import { logger } from "@/server/logger";
import { metrics } from "@/server/observability/metrics";
import { DomainError, fieldError } from "@/server/domain/errors";
import { meterEventName } from "@/server/domain/plans";
import { closePeriod, parsePeriod, periodBounds, type UsagePeriod } from "./periods";
import { priceUsage } from "./pricing";

/**
 * The batched billing run (docs/billing.md has the whole argument). For one closed period:
 *
 * 1. Take the period's run lock: a session-level advisory lock on a dedicated connection, so a
 *    second run of the period is refused while this one lives, and a killed run's lock dies with
 *    its connection. Record the run; close the period (ingestion refuses its late events).
 * 2. Stream `sum(quantity)` per (tenant, metric) from the period's partition with a cursor, in
 *    tenant order, and cut it into batches of whole tenants.
 * 3. Per batch, in one transaction (at most BILLING_MAX_DB_JOBS in flight): price each tenant by
 *    its plan at the period's end and insert statement, lines and ledger rows `on conflict do
 *    nothing`. A batch is all or nothing, and a statement that exists is never written again.
 * 4. Report the batch's new ledger rows to Stripe as meter events, 100 per request (at most
 *    BILLING_MAX_WORKERS requests in flight), marking each row reported once Stripe accepted it.
 * 5. Sweep the ledger for rows a killed run left pending, and report them too.
 */

export type BillingRunProgress = {
  runId: string;
  period: UsagePeriod;
  events: number;
  eventsTotal: number | null;
  tenants: number;
  tenantsTotal: number | null;
  lines: number;
  reported: number;
  elapsedMs: number;
  /** True on the last report only, when everything is written and reported. */
  done: boolean;
};

export type BillingRunResult = BillingRunProgress & { durationMs: number; eventsPerSecond: number };

export type BillingRunOptions = {
  /** "2026-11" or "2026-11-01". */
  period: string;
  /** Who started it: "cli", "cron", "admin:<user id>", "bench". */
  trigger: string;
  batchTenants?: number;
  maxWorkers?: number;
  maxDbJobs?: number;
  onProgress?: (progress: BillingRunProgress) => void;
};

type UsageRow = { tenant_id: string; metric: string; quantity: string; events: string; events_total: string; tenants_total: string };
type LedgerRow = typeof meterEventReports.$inferInsert & { identifier: string; timestamp: Date; value: string };

const DAY_MS = 86_400_000;
/** Stripe refuses meter event timestamps older than 35 days; keep an hour of margin. */
const STRIPE_OLDEST_MS = 35 * DAY_MS - 3_600_000;
/** Stripe dedupes identifiers for about 24 hours: a row sent longer ago than this is not re-sent blindly. */
const STRIPE_DEDUPE_MS = 23 * 3_600_000;
const PROGRESS_WRITE_MS = 500;
const CURSOR_ROWS = 2_000;

const monthOf = (period: UsagePeriod) => period.slice(0, 7);

/** souk_<yyyy-mm>_<tenant>_<metric>: the same usage always gets the same identifier. */
export function meterEventIdentifier(period: UsagePeriod, tenantId: string, metric: string): string {
  return `souk_${monthOf(period)}_${tenantId}_${metric}`;
}

/** Runs (or resumes) the billing run of a period. Throws `conflict` while another run of it is running. */
export async function runBilling(options: BillingRunOptions): Promise<BillingRunResult> {
  const period = parsePeriod(options.period);
  if (!period) throw fieldError("period", "Give the period as a month, YYYY-MM");
  const { end } = periodBounds(period);
  if (end.getTime() > Date.now()) throw fieldError("period", `${monthOf(period)} has not ended yet; a period is billed once it is over`);
  const batchTenants = options.batchTenants ?? env.BILLING_BATCH_TENANTS;
  const maxWorkers = options.maxWorkers ?? env.BILLING_MAX_WORKERS;
  const maxDbJobs = options.maxDbJobs ?? env.BILLING_MAX_DB_JOBS;

  return withSystemSession("billing-run", async (session) => {
    const [lock] = await session<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtext('billing_run'), ${period}::date - date '2000-01-01') as locked`;
    if (!lock?.locked) throw new DomainError("conflict", `A billing run for ${monthOf(period)} is already running`);

    const run = await withSystem("billing-run:start", async (tx) => {
      // We hold the period's lock, so a run still marked running for it died without finishing.
      await tx
        .update(billingRuns)
        .set({ status: "failed", error: "Interrupted: the process running it stopped before it finished", finishedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(billingRuns.period, period), eq(billingRuns.status, "running")));
      const [row] = await tx.insert(billingRuns).values({ period, trigger: options.trigger }).returning();
      // After this commits no event of the period can be recorded any more (see periods.ts).
      await closePeriod(tx, period);
      return row!;
    });
    const started = performance.now();
    const progress: BillingRunProgress = { runId: run.id, period, events: 0, eventsTotal: null, tenants: 0, tenantsTotal: null, lines: 0, reported: 0, elapsedMs: 0, done: false };
    let lastWrite = 0;
    const saveProgress = async (force = false) => {
      progress.elapsedMs = Math.round(performance.now() - started);
      options.onProgress?.({ ...progress });
      if (!force && progress.elapsedMs - lastWrite < PROGRESS_WRITE_MS) return;
      lastWrite = progress.elapsedMs;
      await withSystem("billing-run:progress", (tx) =>
        tx
          .update(billingRuns)
          .set({ events: progress.events, eventsTotal: progress.eventsTotal, tenants: progress.tenants, tenantsTotal: progress.tenantsTotal, statementLines: progress.lines, eventsReported: progress.reported, updatedAt: new Date() })
          .where(eq(billingRuns.id, run.id)),
      );
    };

    // Batches between the cursor and Stripe. On failure they are awaited before the run lets go of
    // the period's lock, so no write or report of a dead run overlaps the next run.
    const inflight = new Set<Promise<void>>();
    try {
      const planById = new Map((await withSystem("billing-run:plans", (tx) => tx.select().from(plansTable))).map((p) => [p.id, p]));
      const reporter = new Reporter(run.id, period, maxWorkers, async (n) => {
        progress.reported += n;
        await saveProgress();
      });
      const dbLimit = pLimit(maxDbJobs);
      let failure: unknown = null;
      const track = (work: Promise<void>) => {
        const tracked: Promise<void> = work.catch((error: unknown) => void (failure ??= error)).finally(() => inflight.delete(tracked));
        inflight.add(tracked);
      };
      const flush = (batch: UsageRow[]) => {
        if (batch.length === 0) return;
        track(
          dbLimit(() => writeBatch(run.id, period, batch, planById)).then(async (written) => {
            progress.events += written.events;
            progress.tenants += written.tenants;
            progress.lines += written.lines;
            await saveProgress();
            await reporter.report(written.ledger);
          }),
        );
      };

      let batch: UsageRow[] = [];
      let batchTenantCount = 0;
      let lastTenant: string | null = null;
      // The window totals cost nothing extra: the rows are sorted (materialised) before the first
      // one is returned anyway, and they give the progress bar its denominators.
      const stream = session<UsageRow[]>`
        with g as (
          select tenant_id, metric, sum(quantity) as quantity, count(*) as events
          from usage_events where period = ${period}::date
          group by tenant_id, metric
        ), numbered as (
          select g.*, row_number() over (partition by tenant_id order by metric) as nth from g
        )
        select tenant_id::text as tenant_id, metric, quantity::text as quantity, events::text as events,
          sum(events) over ()::text as events_total, (count(*) filter (where nth = 1) over ())::text as tenants_total
        from numbered
        order by tenant_id, metric`.cursor(CURSOR_ROWS);
      for await (const rows of stream) {
        if (failure) throw failure;
        if (progress.eventsTotal === null && rows[0]) {
          progress.eventsTotal = Number(rows[0].events_total);
          progress.tenantsTotal = Number(rows[0].tenants_total);
          await saveProgress(true);
        }
        for (const row of rows) {
          if (row.tenant_id !== lastTenant) {
            if (batchTenantCount >= batchTenants) {
              flush(batch);
              batch = [];
              batchTenantCount = 0;
            }
            batchTenantCount++;
            lastTenant = row.tenant_id;
          }
          batch.push(row);
        }
        // Backpressure: at most this many batches between the cursor and Stripe at once.
        while (inflight.size >= maxDbJobs + maxWorkers && !failure) await Promise.race(inflight);
      }
      flush(batch);
      while (inflight.size > 0) await Promise.race(inflight);
      if (failure) throw failure;
      if (progress.eventsTotal === null) {
        progress.eventsTotal = 0;
        progress.tenantsTotal = 0;
      }

      // Rows a killed run wrote but never got acknowledged (this run's own rows are all reported by now).
      await reporter.sweep();

      const durationMs = Math.max(1, Math.round(performance.now() - started));
      const eventsPerSecond = Math.round((progress.events / durationMs) * 10_000) / 10;
      progress.done = true;
      await saveProgress(true);
      await withSystem("billing-run:finish", (tx) =>
        tx
          .update(billingRuns)
          .set({ status: "succeeded", durationMs, eventsPerSecond: String(eventsPerSecond), finishedAt: new Date(), updatedAt: new Date() })
          .where(eq(billingRuns.id, run.id)),
      );
      logger.info({ runId: run.id, period, events: progress.events, tenants: progress.tenants, reported: progress.reported, durationMs }, "billing run finished");
      metrics.billingRunDuration.observe({ outcome: "succeeded" }, durationMs / 1000);
      metrics.billingRunEvents.inc(progress.events);
      metrics.billingRunRate.set(eventsPerSecond);
      return { ...progress, elapsedMs: durationMs, durationMs, eventsPerSecond };
    } catch (error) {
      await Promise.allSettled([...inflight]);
      const message = describeError(error);
      const durationMs = Math.round(performance.now() - started);
      await withSystem("billing-run:failed", (tx) =>
        tx
          .update(billingRuns)
          .set({
            status: "failed",
            error: message.slice(0, 2000),
            events: progress.events,
            tenants: progress.tenants,
            statementLines: progress.lines,
            eventsReported: progress.reported,
            durationMs,
            finishedAt: new Date(),
            updatedAt: new Date(),
          })
          .where(eq(billingRuns.id, run.id)),
      ).catch((e: unknown) => logger.error({ err: e, runId: run.id }, "could not record the billing run's failure"));
      logger.error({ runId: run.id, period, error: message }, "billing run failed");
      metrics.billingRunDuration.observe({ outcome: "failed" }, durationMs / 1000);
      if (error instanceof DomainError) throw error;
      throw new Error(`Billing run for ${monthOf(period)} failed: ${message}`, { cause: error });
    }
  });
}

/**
 * What went wrong, for the run's row and the operator: the database's own message rather than
 * drizzle's "Failed query: <sql> params: …" wrapper (long, and it carries the batch's values).
 */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message.startsWith("Failed query") && error.cause instanceof Error) return error.cause.message;
  return error.message;
}

type TenantBilling = { tenant_id: string; plan: string; stripe_customer_id: string | null; stripe_subscription_id: string | null };

/**
 * Each tenant of the batch with the plan in force at the period's end: the target of the last
 * plan change before the end; else the origin of the first change after it; else the current plan.
 */
async function tenantsBilling(tx: Tx, tenantIds: string[], end: Date): Promise<Map<string, TenantBilling>> {
  const ids = sql.join(tenantIds.map((id) => sql`${id}::uuid`), sql`, `);
  const rows = await tx.execute<TenantBilling>(sql`
    select t.id::text as tenant_id,
      coalesce(
        (select l.detail->>'to' from provisioning_logs l where l.tenant_id = t.id and l.step = 'plan_change' and l.created_at < ${end.toISOString()}::timestamptz order by l.created_at desc, l.id desc limit 1),
        (select l.detail->>'from' from provisioning_logs l where l.tenant_id = t.id and l.step = 'plan_change' and l.created_at >= ${end.toISOString()}::timestamptz order by l.created_at, l.id limit 1),
        t.plan) as plan,
      s.stripe_customer_id, s.stripe_subscription_id
    from tenants t left join subscriptions s on s.tenant_id = t.id
    where t.id in (${ids})`);
  return new Map(rows.map((r) => [r.tenant_id, r]));
}

/** "1235.000000" → "1235", "0.123400" → "0.1234": Stripe's payload values are plain decimal strings. */
const trimDecimal = (value: string) => (value.includes(".") ? value.replace(/0+$/, "").replace(/\.$/, "") : value);

type StatementJson = { tenant_id: string; period: string; plan: string; currency: string; total: string; events: number; run_id: string };
type LineJson = { tenant_id: string; period: string; metric: string; quantity: string; included: string; billable: string; unit_price: string; amount: string; currency: string };
const ledgerJson = (r: LedgerRow) => ({
  tenant_id: r.tenantId,
  period: r.period,
  metric: r.metric,
  identifier: r.identifier,
  event_name: r.eventName,
  stripe_customer_id: r.stripeCustomerId,
  value: r.value,
  timestamp: r.timestamp.toISOString(),
  run_id: r.runId,
});

async function writeBatch(runId: string, period: UsagePeriod, rows: UsageRow[], planById: Map<string, Plan>) {
  const { end } = periodBounds(period);
  const byTenant = new Map<string, UsageRow[]>();
  for (const row of rows) {
    const list = byTenant.get(row.tenant_id);
    if (list) list.push(row);
    else byTenant.set(row.tenant_id, [row]);
  }
  const tenantIds = [...byTenant.keys()];
  const events = rows.reduce((n, r) => n + Number(r.events), 0);
  let lines = 0;
  const ledger = await withSystem("billing-run:batch", async (tx) => {
    const billing = await tenantsBilling(tx, tenantIds, end);
    const statements: StatementJson[] = [];
    const lineRows = new Map<string, LineJson[]>();
    const ledgerRows = new Map<string, LedgerRow[]>();
    for (const [tenantId, usage] of byTenant) {
      const info = billing.get(tenantId);
      // A deleted tenant's usage is gone with it (cascade): nothing to bill.
      if (!info) continue;
      const plan = planById.get(info.plan);
      if (!plan) throw new Error(`Tenant ${tenantId} is on an unknown plan (${info.plan})`);
      const priced = priceUsage(plan, usage);
      lines += priced.lines.length;
      statements.push({ tenant_id: tenantId, period, plan: plan.id, currency: plan.currency, total: priced.total, events: usage.reduce((n, r) => n + Number(r.events), 0), run_id: runId });
      lineRows.set(
        tenantId,
        priced.lines.map((l) => ({ tenant_id: tenantId, period, metric: l.metric, quantity: l.quantity, included: l.included, billable: l.billable, unit_price: l.unitPrice, amount: l.amount, currency: l.currency })),
      );
      // Paid tenants only: a Stripe subscription carries the plan's metered overage prices.
      const paid = plan.stripeLookupKey !== null && info.stripe_customer_id && info.stripe_subscription_id;
      if (!paid) continue;
      ledgerRows.set(
        tenantId,
        priced.lines
          .filter((l) => Number(l.billable) > 0 && Number(l.unitPrice) > 0)
          .map((l) => ({
            tenantId,
            period,
            metric: l.metric,
            identifier: meterEventIdentifier(period, tenantId, l.metric),
            eventName: meterEventName(l.metric as PlanMetric),
            stripeCustomerId: info.stripe_customer_id!,
            value: trimDecimal(l.billable),
            // The period's last second: inside the month, and as late as possible for Stripe's 35-day window.
            timestamp: new Date(end.getTime() - 1000),
            runId,
          })),
      );
    }
    if (statements.length === 0) return [];
    // A statement that exists was written with its lines and ledger rows in one transaction:
    // only tenants whose statement is new get lines and ledger rows now. Each insert sends its
    // rows as one JSON parameter (json_to_recordset): far cheaper to bind than a parameter per value.
    const inserted = await tx.execute<{ tenant_id: string }>(sql`
      insert into usage_statements (tenant_id, period, plan, currency, total, events, run_id)
      select tenant_id, period, plan, currency, total, events, run_id
      from json_to_recordset(${JSON.stringify(statements)}::json)
        as x(tenant_id uuid, period date, plan text, currency text, total numeric, events bigint, run_id uuid)
      on conflict do nothing
      returning tenant_id::text as tenant_id`);
    const fresh = inserted.map((r) => r.tenant_id);
    const newLines = fresh.flatMap((id) => lineRows.get(id) ?? []);
    if (newLines.length) {
      await tx.execute(sql`
        insert into usage_statement_lines (tenant_id, period, metric, quantity, included, billable, unit_price, amount, currency)
        select tenant_id, period, metric, quantity, included, billable, unit_price, amount, currency
        from json_to_recordset(${JSON.stringify(newLines)}::json)
          as x(tenant_id uuid, period date, metric text, quantity numeric, included numeric, billable numeric, unit_price numeric, amount numeric, currency text)
        on conflict do nothing`);
    }
    const newLedger = fresh.flatMap((id) => ledgerRows.get(id) ?? []);
    if (newLedger.length) {
      // attempted_at now: this run sends them right after the commit.
      await tx.execute(sql`
        insert into meter_event_reports (tenant_id, period, metric, identifier, event_name, stripe_customer_id, value, timestamp, status, attempted_at, run_id)
        select tenant_id, period, metric, identifier, event_name, stripe_customer_id, value, timestamp, 'pending', now(), run_id
        from json_to_recordset(${JSON.stringify(newLedger.map(ledgerJson))}::json)
          as x(tenant_id uuid, period date, metric text, identifier text, event_name text, stripe_customer_id text, value numeric, timestamp timestamptz, run_id uuid)
        on conflict do nothing`);
    }
    return newLedger;
  });
  return { events, tenants: byTenant.size, lines, ledger };
}

/** Sends ledger rows to Stripe in requests of 100, at most `maxWorkers` at once, and marks them reported. */
class Reporter {
  private limit: ReturnType<typeof pLimit>;
  private reportable: boolean;

  constructor(
    private runId: string,
    private period: UsagePeriod,
    maxWorkers: number,
    private onReported: (count: number) => Promise<void>,
  ) {
    this.limit = pLimit(maxWorkers);
    this.reportable = periodBounds(period).end.getTime() - 1000 > Date.now() - STRIPE_OLDEST_MS;
  }

  async report(rows: LedgerRow[], noteAttempt = false): Promise<void> {
    if (rows.length === 0) return;
    if (!this.reportable) {
      throw new DomainError(
        "precondition_failed",
        `Meter events of ${monthOf(this.period)} can no longer be reported: Stripe refuses timestamps older than 35 days. Their ledger rows stay pending; bill them by hand.`,
      );
    }
    const chunks: LedgerRow[][] = [];
    for (let i = 0; i < rows.length; i += METER_EVENTS_PER_REQUEST) chunks.push(rows.slice(i, i + METER_EVENTS_PER_REQUEST));
    await Promise.all(chunks.map((chunk) => this.limit(() => this.send(chunk, noteAttempt))));
  }

  private async send(chunk: LedgerRow[], noteAttempt: boolean): Promise<void> {
    const period = this.period;
    const keys = JSON.stringify(chunk.map((r) => ({ tenant_id: r.tenantId, metric: r.metric })));
    // 1. Note the attempt first (rows written by this run carry it from their insert): a row
    //    sent but never marked reported (killed in between) is re-sent by a resume only while
    //    Stripe still dedupes its identifier.
    if (noteAttempt) {
      await withSystem("billing-run:report", (tx) =>
        tx.execute(sql`
          update meter_event_reports m set attempted_at = now()
          from json_to_recordset(${keys}::json) as x(tenant_id uuid, metric text)
          where m.tenant_id = x.tenant_id and m.period = ${period}::date and m.metric = x.metric`),
      );
    }
    // 2. Send; Stripe ignores an identifier it accepted within the last day.
    const events: MeterEventInput[] = chunk.map((r) => ({ identifier: r.identifier, eventName: r.eventName, customerId: r.stripeCustomerId, value: trimDecimal(r.value), timestamp: r.timestamp }));
    await sendMeterEvents(events);
    // 3. Acknowledged: never sent again.
    await withSystem("billing-run:reported", (tx) =>
      tx.execute(sql`
        update meter_event_reports m set status = 'reported', reported_at = now(), run_id = ${this.runId}::uuid
        from json_to_recordset(${keys}::json) as x(tenant_id uuid, metric text)
        where m.tenant_id = x.tenant_id and m.period = ${period}::date and m.metric = x.metric and m.status = 'pending'`),
    );
    await this.onReported(chunk.length);
  }

  /** Reports every pending row of the period that is safe to re-send; fails naming the others. */
  async sweep(): Promise<void> {
    const page = 1_000;
    const dedupeSince = new Date(Date.now() - STRIPE_DEDUPE_MS);
    const safe: SQL = or(isNull(meterEventReports.attemptedAt), gt(meterEventReports.attemptedAt, dedupeSince))!;
    let after: { tenantId: string; metric: string } | null = null;
    for (;;) {
      const cursor: SQL | undefined = after
        ? sql`(${meterEventReports.tenantId}, ${meterEventReports.metric}) > (${after.tenantId}::uuid, ${after.metric})`
        : undefined;
      const rows: LedgerRow[] = await withSystem("billing-run:sweep", (tx) =>
        tx
          .select()
          .from(meterEventReports)
          .where(and(eq(meterEventReports.period, this.period), eq(meterEventReports.status, "pending"), safe, cursor))
          .orderBy(asc(meterEventReports.tenantId), asc(meterEventReports.metric))
          .limit(page),
      );
      if (rows.length === 0) break;
      const last: LedgerRow = rows[rows.length - 1]!;
      after = { tenantId: last.tenantId, metric: last.metric };
      await this.report(rows, true);
    }
    const [uncertain] = await withSystem("billing-run:sweep", (tx) =>
      tx
        .select({ n: sql<number>`count(*)::int` })
        .from(meterEventReports)
        .where(and(eq(meterEventReports.period, this.period), eq(meterEventReports.status, "pending"), lt(meterEventReports.attemptedAt, dedupeSince))),
    );
    if (uncertain && uncertain.n > 0) {
      throw new DomainError(
        "precondition_failed",
        `${uncertain.n} meter event(s) of ${monthOf(this.period)} were sent over a day ago without an acknowledgement, beyond Stripe's deduplication: check them in Stripe (meter event summaries), then mark them reported or clear attempted_at to re-send.`,
      );
    }
  }
}

/** The newest runs, for the admin page. */
export async function listBillingRuns(limit = 50): Promise<BillingRun[]> {
  return withSystem("billing-runs:list", (tx) => tx.select().from(billingRuns).orderBy(desc(billingRuns.startedAt)).limit(limit));
}

/** Runs by id (the admin page's live progress). */
export async function getBillingRuns(ids: string[]): Promise<BillingRun[]> {
  if (ids.length === 0) return [];
  return withSystem("billing-runs:get", (tx) => tx.select().from(billingRuns).where(inArray(billingRuns.id, ids)));
}
