import { and, eq, lt, sql } from "drizzle-orm";
import { aiRequests } from "@/server/db/schema";
import type { Tx } from "@/server/db/tenancy";
import { MAX_CALL_MS } from "@/server/integrations/ai";
import { DomainError, isUniqueViolation } from "./errors";

/**
 * Per-shop AI call limits, shared by every instance through PostgreSQL: at most `concurrent`
 * calls in flight and `perMinute` calls started in any minute, so one busy shop cannot take
 * the provider's capacity from the others. A row per call (ai_requests) is the counter; the
 * shop's advisory lock makes the count and the insert one step, so two instances cannot both
 * take the last slot. A call that never finishes (its instance died) stops counting as in
 * flight after MAX_CALL_MS, the longest the gateway lets a call run.
 */
export type AiLimits = { concurrent: number; perMinute: number };

/** Rows older than this are no use to either limit. */
const KEEP_MS = Math.max(MAX_CALL_MS, 60_000);

/** Takes a slot for request `requestId` of the transaction's shop, or throws rate_limited / conflict. */
export async function acquireAiSlot(tx: Tx, tenantId: string, requestId: string, limits: AiLimits): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('ai_requests'), hashtext(${tenantId}))`);
  await tx.delete(aiRequests).where(and(eq(aiRequests.tenantId, tenantId), lt(aiRequests.startedAt, sql`now() - ${`${KEEP_MS} milliseconds`}::interval`)));
  const [counts] = await tx.execute<{ running: number; last_minute: number }>(sql`
    select count(*) filter (where finished_at is null and started_at > now() - ${`${MAX_CALL_MS} milliseconds`}::interval)::int as running,
           count(*) filter (where started_at > now() - interval '1 minute')::int as last_minute
    from ai_requests where tenant_id = ${tenantId}`);
  if (counts!.running >= limits.concurrent) {
    throw new DomainError("rate_limited", `This shop already has ${counts!.running} AI request${counts!.running === 1 ? "" : "s"} running (at most ${limits.concurrent} at once). Wait for one to finish.`);
  }
  if (counts!.last_minute >= limits.perMinute) {
    throw new DomainError("rate_limited", `This shop has made ${limits.perMinute} AI requests in the last minute, the most allowed. Try again in a minute.`);
  }
  try {
    await tx.insert(aiRequests).values({ tenantId, id: requestId });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new DomainError("conflict", "This AI request was already made; start a new one.");
  }
}

/** Frees the slot of a finished (or failed) call. */
export async function releaseAiSlot(tx: Tx, requestId: string): Promise<void> {
  await tx.update(aiRequests).set({ finishedAt: sql`now()` }).where(eq(aiRequests.id, requestId));
}
