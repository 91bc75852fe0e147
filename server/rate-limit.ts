import type { Redis } from "ioredis";
import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { clientKey } from "@/server/client-ip";
import { db } from "@/server/db/client";
import { rateLimits } from "@/server/db/schema";
import type { ApiPrincipal } from "@/server/domain/api-keys";
import { env } from "@/server/env";
import { getRedis } from "@/server/integrations/redis";
import { logger } from "@/server/logger";

/**
 * Request-rate limits, shared by every web instance (rate-limiter-flexible, fixed windows):
 * in Redis when REDIS_URL is set, else in PostgreSQL (table rate_limits). A check is one
 * round trip: an atomic increment (Redis) or one `insert … on conflict … returning` (PostgreSQL),
 * made through the app's pool outside any transaction.
 *
 * When the store fails or is slower than RATE_LIMIT_STORE_TIMEOUT_MS, the request is counted in
 * this process's memory with the same policy and a warning is logged (once a minute at most):
 * limits stay on, per instance, and a store outage never turns into an API outage.
 *
 * Attempt budgets tied to the work they guard (failed sign-ins per email, mail per address) are
 * not request rates; they stay in server/domain/sign-in-throttle.ts, counted in the same
 * transaction as that work.
 */
export type RateLimitPolicy = {
  /** Names the policy in the RateLimit headers and prefixes its keys in the store. */
  name: string;
  limit: number;
  windowSeconds: number;
};

export type RateLimitDecision = {
  policy: RateLimitPolicy;
  allowed: boolean;
  remaining: number;
  /** Seconds until the window ends and the full limit is available again. */
  resetSeconds: number;
};

/** Builds the shared-store limiter of one policy (no fallback of its own). */
export type RateLimitStore = (policy: RateLimitPolicy) => RateLimiterAbstract;

/** PostgreSQL through the app's drizzle client: one upsert per check; expired rows are swept hourly. */
export function postgresStore(client: unknown = db): RateLimitStore {
  return (policy) => new RateLimiterDrizzle({ storeClient: client, schema: rateLimits, keyPrefix: policy.name, points: policy.limit, duration: policy.windowSeconds });
}

/** Redis (ioredis): one atomic increment-with-expiry per check. */
export function redisStore(client: Redis): RateLimitStore {
  return (policy) => new RateLimiterRedis({ storeClient: client, keyPrefix: `souk:rl:${policy.name}`, points: policy.limit, duration: policy.windowSeconds });
}

type PolicyLimiters = { store: RateLimiterAbstract; memory: RateLimiterMemory };

export class RateLimiter {
  private readonly limiters = new Map<string, PolicyLimiters>();
  private lastWarning = 0;

  constructor(
    private readonly store: RateLimitStore,
    private readonly timeoutMs = env.RATE_LIMIT_STORE_TIMEOUT_MS,
  ) {}

  /** Counts one request of `key` under `policy` and says whether it may go ahead. */
  async consume(policy: RateLimitPolicy, key: string): Promise<RateLimitDecision> {
    const { store, memory } = this.limitersOf(policy);
    let outcome: RateLimiterRes;
    try {
      outcome = await this.withTimeout(store.consume(key));
    } catch (error) {
      if (error instanceof RateLimiterRes) outcome = error;
      else {
        this.warnStoreDown(error, policy);
        outcome = await memory.consume(key).catch((refused: unknown) => {
          if (refused instanceof RateLimiterRes) return refused;
          throw refused;
        });
      }
    }
    const allowed = outcome.consumedPoints <= policy.limit;
    return { policy, allowed, remaining: outcome.remainingPoints, resetSeconds: Math.max(allowed ? 0 : 1, Math.ceil(outcome.msBeforeNext / 1000)) };
  }

  private limitersOf(policy: RateLimitPolicy): PolicyLimiters {
    // Keyed by the numbers too: a shop on another plan gets a limiter with its own limit, over the same stored counter.
    const id = `${policy.name}|${policy.limit}|${policy.windowSeconds}`;
    let limiters = this.limiters.get(id);
    if (!limiters) {
      limiters = { store: this.store(policy), memory: new RateLimiterMemory({ keyPrefix: policy.name, points: policy.limit, duration: policy.windowSeconds }) };
      this.limiters.set(id, limiters);
    }
    return limiters;
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`rate-limit store gave no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  private warnStoreDown(error: unknown, policy: RateLimitPolicy) {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    logger.warn({ err: error, policy: policy.name }, "rate-limit store unavailable: counting in this process's memory until it answers");
  }
}

/** The process's limiter, on the store the configuration names; on globalThis so every bundle shares it. */
export function rateLimiter(): RateLimiter {
  const global = globalThis as unknown as { soukRateLimiter?: RateLimiter };
  // The app's Redis connection fails a command at once while Redis is unreachable (the limiter
  // then counts in memory) instead of waiting for a reconnect.
  const redis = getRedis();
  return (global.soukRateLimiter ??= new RateLimiter(redis ? redisStore(redis) : postgresStore()));
}

/**
 * The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers: a quoted policy name with
 * q = quota and w = window, then r = remaining and t = seconds until reset), plus Retry-After
 * on a refusal.
 */
export function rateLimitHeaders({ policy, allowed, remaining, resetSeconds }: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    "ratelimit-policy": `"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`,
    ratelimit: `"${policy.name}";r=${remaining};t=${resetSeconds}`,
  };
  if (!allowed) headers["retry-after"] = String(resetSeconds);
  return headers;
}

/** Sets the RateLimit fields (and Retry-After on a refusal) on a response; returns it. */
export function withRateLimitHeaders<T extends Response>(response: T, decision: RateLimitDecision): T {
  for (const [name, value] of Object.entries(rateLimitHeaders(decision))) response.headers.set(name, value);
  return response;
}

/** "Try again in 1 second" / "in 42 seconds", for 429 messages. */
export function retryMessage(seconds: number): string {
  return `Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`;
}

/** The API's limit for a key: its shop's plan rate, or the platform-key rate. */
export function apiKeyPolicy(principal: Pick<ApiPrincipal, "requestsPerMinute">): RateLimitPolicy {
  return { name: "api", limit: principal.requestsPerMinute ?? env.RATE_LIMIT_PLATFORM_KEY_PER_MINUTE, windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS };
}

/** Counts one API request of a key (/api/v1/*, /api/trpc with a Bearer key). */
export function limitApiKey(principal: Pick<ApiPrincipal, "keyId" | "requestsPerMinute">): Promise<RateLimitDecision> {
  return rateLimiter().consume(apiKeyPolicy(principal), principal.keyId);
}

/**
 * Public endpoints limited per client address: the account forms (their server-action and
 * plain-form POSTs, and Auth.js's credentials callback) and the storefront visit beacon. Stripe
 * webhooks are not here, nor anything else: Stripe's addresses are shared by every account.
 */
const publicPolicies: { paths: readonly string[]; policy: () => RateLimitPolicy }[] = [
  {
    paths: ["/sign-in", "/sign-up", "/forgot-password", "/reset-password", "/api/auth/callback/credentials"],
    policy: () => ({ name: "auth", limit: env.RATE_LIMIT_AUTH_PER_MINUTE, windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS }),
  },
  { paths: ["/api/storefront/visit"], policy: () => ({ name: "beacon", limit: env.RATE_LIMIT_BEACON_PER_MINUTE, windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS }) },
];

export function publicPolicyFor(method: string, pathname: string): RateLimitPolicy | null {
  if (method !== "POST") return null;
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return publicPolicies.find((p) => p.paths.includes(path))?.policy() ?? null;
}

/**
 * Counts a request to a public endpoint against its client address; null when the endpoint is
 * not limited or the address is unknown (TRUSTED_PROXY_HOPS=0: no address can be trusted, see
 * server/client-ip.ts). The key is the address's keyed hash: no address is stored.
 */
export async function limitPublicRequest(method: string, pathname: string, headers: Headers): Promise<RateLimitDecision | null> {
  const policy = publicPolicyFor(method, pathname);
  if (!policy) return null;
  const client = clientKey(headers);
  return client ? rateLimiter().consume(policy, client) : null;
}
