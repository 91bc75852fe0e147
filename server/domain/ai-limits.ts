import { and, eq, lt, sql } from "drizzle-orm";
import { aiRequests } from "@/server/db/schema";
import { withTenant, type Tx } from "@/server/db/tenancy";
import type { Redis } from "ioredis";
import { MAX_CALL_MS } from "@/server/integrations/ai";
import { getRedis } from "@/server/integrations/redis";
import { DomainError, isUniqueViolation } from "./errors";

/**
 * Per-shop AI call limits, shared by every instance: at most `concurrent` calls in flight and
 * `perMinute` calls started in any minute, so one busy shop cannot take the provider's capacity
 * from the others; and a request id is used once, so a replayed request is never a second
 * call. The counters live in Redis when REDIS_URL is set, else in PostgreSQL; both count and
 * take a slot in one atomic step. A call that never finishes (its instance died) stops counting
 * as in flight after MAX_CALL_MS, the longest the gateway lets a call run.
 */
export type AiLimits = { concurrent: number; perMinute: number };

export type AiSlotStore = {
  /** Takes a slot for the call, or throws rate_limited (limits) or conflict (request id used before). */
  acquire(tenantId: string, requestId: string, limits: AiLimits): Promise<void>;
  release(tenantId: string, requestId: string): Promise<void>;
};

/** The counters in PostgreSQL (table ai_requests), through the shop's own door. */
export const postgresSlotStore: AiSlotStore = {
  acquire: (tenantId, requestId, limits) => withTenant(tenantId, (tx) => acquireAiSlot(tx, tenantId, requestId, limits)),
  release: (tenantId, requestId) => withTenant(tenantId, (tx) => releaseAiSlot(tx, requestId)),
};

/** Redis when REDIS_URL is set (the app's shared connection), else PostgreSQL. */
export function aiSlotStoreFromEnv(): AiSlotStore {
  const redis = getRedis();
  return redis ? redisSlotStore(redis) : postgresSlotStore;
}

/** Rows older than this are no use to either limit. */
const KEEP_MS = Math.max(MAX_CALL_MS, 60_000);

/** PostgreSQL: a row per call (ai_requests) is the counter; the shop's advisory lock makes the count and the insert one step. */
async function acquireAiSlot(tx: Tx, tenantId: string, requestId: string, limits: AiLimits): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('ai_requests'), hashtext(${tenantId}))`);
  await tx.delete(aiRequests).where(and(eq(aiRequests.tenantId, tenantId), lt(aiRequests.startedAt, sql`now() - ${`${KEEP_MS} milliseconds`}::interval`)));
  const [counts] = await tx.execute<{ running: number; last_minute: number }>(sql`
    select count(*) filter (where finished_at is null and started_at > now() - ${`${MAX_CALL_MS} milliseconds`}::interval)::int as running,
           count(*) filter (where started_at > now() - interval '1 minute')::int as last_minute
    from ai_requests where tenant_id = ${tenantId}`);
  if (counts!.running >= limits.concurrent) throw concurrencyError(counts!.running, limits);
  if (counts!.last_minute >= limits.perMinute) throw perMinuteError(limits);
  try {
    await tx.insert(aiRequests).values({ tenantId, id: requestId });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw requestUsedError();
  }
}

/** Frees the slot of a finished (or failed) call. */
async function releaseAiSlot(tx: Tx, requestId: string): Promise<void> {
  await tx.update(aiRequests).set({ finishedAt: sql`now()` }).where(eq(aiRequests.id, requestId));
}

/**
 * Redis: per shop, a sorted set of calls in flight (scored by when their lease ends), one of
 * calls started (scored by start, for the last minute) and a key per request id (kept as long
 * as a call may run). One Lua script counts and takes the slot atomically, on Redis's clock.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease, concurrent, perMinute = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 60000)
if redis.call('EXISTS', KEYS[3]) == 1 then return {'conflict', 0} end
local running = redis.call('ZCARD', KEYS[1])
if running >= concurrent then return {'busy', running} end
if redis.call('ZCARD', KEYS[2]) >= perMinute then return {'minute', 0} end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('SET', KEYS[3], '1', 'PX', lease)
redis.call('PEXPIRE', KEYS[1], lease)
redis.call('PEXPIRE', KEYS[2], 60000)
return {'ok', running + 1}`;

export function redisSlotStore(redis: Redis): AiSlotStore {
  const keys = (tenantId: string, requestId: string) => [`souk:ai:{${tenantId}}:running`, `souk:ai:{${tenantId}}:started`, `souk:ai:{${tenantId}}:request:${requestId}`];
  return {
    async acquire(tenantId, requestId, limits) {
      const [outcome, running] = (await redis.eval(ACQUIRE, 3, ...keys(tenantId, requestId), requestId, MAX_CALL_MS, limits.concurrent, limits.perMinute)) as [string, number];
      if (outcome === "conflict") throw requestUsedError();
      if (outcome === "busy") throw concurrencyError(running, limits);
      if (outcome === "minute") throw perMinuteError(limits);
    },
    async release(tenantId, requestId) {
      await redis.zrem(keys(tenantId, requestId)[0]!, requestId);
    },
  };
}

const requestUsedError = () => new DomainError("conflict", "This AI request was already made; start a new one.");
const concurrencyError = (running: number, limits: AiLimits) =>
  new DomainError("rate_limited", `This shop already has ${running} AI request${running === 1 ? "" : "s"} running (at most ${limits.concurrent} at once). Wait for one to finish.`);
const perMinuteError = (limits: AiLimits) => new DomainError("rate_limited", `This shop has made ${limits.perMinute} AI requests in the last minute, the most allowed. Try again in a minute.`);
