import { and, count, desc, eq, inArray, like, type SQL } from "drizzle-orm";
import { z } from "zod";
import { stripeEvents, stripeEventStatus } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import type { Actor } from "./context";
import { DomainError } from "./errors";
import { ADMIN_PAGE_SIZE } from "./admin-tenants";
import { replayStripeEvents } from "./stripe-events";
import { text } from "./text";

/** Platform admin: the Stripe event log, and replays through stripe-events.ts. */

const typeFilter = text()
  .trim()
  .max(100)
  .optional()
  .transform((v) => v || undefined);

export const stripeEventFilterInput = z.object({
  status: z.enum(stripeEventStatus.enumValues).optional(),
  /** An event type, or a prefix ending in "." ("invoice."). */
  type: typeFilter,
});
export const listStripeEventsInput = stripeEventFilterInput.extend({ page: z.coerce.number().int().min(1).max(10_000).default(1) });

function conditions(filter: z.output<typeof stripeEventFilterInput>): SQL | undefined {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(stripeEvents.status, filter.status));
  if (filter.type) where.push(filter.type.endsWith(".") ? like(stripeEvents.type, `${filter.type.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : eq(stripeEvents.type, filter.type));
  return where.length ? and(...where) : undefined;
}

const summary = {
  id: stripeEvents.id,
  type: stripeEvents.type,
  status: stripeEvents.status,
  attempts: stripeEvents.attempts,
  lastError: stripeEvents.lastError,
  resolvedTenantId: stripeEvents.resolvedTenantId,
  receivedAt: stripeEvents.receivedAt,
  processedAt: stripeEvents.processedAt,
};

export async function listStripeEvents(input: z.output<typeof listStripeEventsInput>) {
  const where = conditions(input);
  return withSystem("admin-stripe-events", async (tx) => {
    const rows = await tx
      .select(summary)
      .from(stripeEvents)
      .where(where)
      .orderBy(desc(stripeEvents.receivedAt), desc(stripeEvents.id))
      .limit(ADMIN_PAGE_SIZE)
      .offset((input.page - 1) * ADMIN_PAGE_SIZE);
    const [total] = await tx.select({ n: count() }).from(stripeEvents).where(where);
    const types = await tx.selectDistinct({ type: stripeEvents.type }).from(stripeEvents).orderBy(stripeEvents.type);
    return { rows, total: total?.n ?? 0, page: input.page, pageSize: ADMIN_PAGE_SIZE, types: types.map((t) => t.type) };
  });
}

export const stripeEventIdInput = z.object({ id: text().min(1).max(255) });
export const stripeEventIdsInput = z.object({ ids: z.array(text().min(1).max(255)).min(1).max(500) });

export async function getStripeEvent(input: z.output<typeof stripeEventIdInput>) {
  const [row] = await withSystem("admin-stripe-event", (tx) => tx.select({ ...summary, created: stripeEvents.created, payload: stripeEvents.payload }).from(stripeEvents).where(eq(stripeEvents.id, input.id)));
  if (!row) throw new DomainError("not_found", "No such Stripe event");
  return row;
}

/** The current state of some events: the console polls this to show how a replay ended. */
export async function stripeEventsByIds(input: z.output<typeof stripeEventIdsInput>) {
  return withSystem("admin-stripe-events", (tx) => tx.select(summary).from(stripeEvents).where(inArray(stripeEvents.id, input.ids)));
}

export async function replayOneStripeEvent(actor: Actor, input: z.output<typeof stripeEventIdInput>) {
  const ids = await replayStripeEvents([input.id], actor);
  if (ids.length === 0) throw new DomainError("not_found", "No such Stripe event");
  return { ids };
}

/** At most this many per click: the page shows each one's outcome, and the worker takes them in batches. */
export const REPLAY_LIMIT = 500;

/** Replays every failed event matching the filter's type (the status filter is "failed" by definition). */
export async function replayFailedStripeEvents(actor: Actor, input: z.output<typeof stripeEventFilterInput>) {
  const failed = await withSystem("admin-stripe-events", (tx) =>
    tx
      .select({ id: stripeEvents.id })
      .from(stripeEvents)
      .where(conditions({ ...input, status: "failed" }))
      .orderBy(stripeEvents.receivedAt)
      .limit(REPLAY_LIMIT),
  );
  const ids = await replayStripeEvents(failed.map((r) => r.id), actor);
  return { ids };
}
