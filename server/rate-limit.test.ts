import { createServer, type Server } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { drizzle } from "drizzle-orm/postgres-js";
import { Redis } from "ioredis";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort } from "@/scripts/lib/ports";
import { sql as rawSql } from "@/server/db/client";
import { env } from "@/server/env";
import { logger } from "@/server/logger";
import { uniqueSuffix } from "@/test/factories";
import { hasRedisServer, startRedisServer } from "@/test/redis";
import { limitPublicRequest, postgresStore, publicPolicyFor, RateLimiter, rateLimitHeaders, redisStore, type RateLimitPolicy, type RateLimitStore } from "./rate-limit";

const policy = (limit: number, windowSeconds = 60): RateLimitPolicy => ({ name: `t${uniqueSuffix().replace(/\W/g, "")}`, limit, windowSeconds });

async function consumeTimes(limiter: RateLimiter, p: RateLimitPolicy, key: string, times: number) {
  const decisions = [];
  for (let i = 0; i < times; i++) decisions.push(await limiter.consume(p, key));
  return decisions;
}

/** The behaviour every shared store must have; run against PostgreSQL and Redis. */
function storeContract(name: string, store: () => RateLimitStore) {
  describe(`rate limits in ${name}`, () => {
    it("allows `limit` requests a window, then refuses with the time left", async () => {
      const limiter = new RateLimiter(store());
      const p = policy(3);
      const decisions = await consumeTimes(limiter, p, "k", 5);
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
      expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0, 0]);
      const refused = decisions[3]!;
      expect(refused.resetSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.resetSeconds).toBeLessThanOrEqual(60);
    });

    it("allows requests again once the window has passed", async () => {
      const limiter = new RateLimiter(store());
      const p = policy(2, 1);
      expect((await consumeTimes(limiter, p, "k", 3)).map((d) => d.allowed)).toEqual([true, true, false]);
      await sleep(1_100);
      expect((await consumeTimes(limiter, p, "k", 3)).map((d) => d.allowed)).toEqual([true, true, false]);
    });

    it("counts two keys apart", async () => {
      const limiter = new RateLimiter(store());
      const p = policy(2);
      await consumeTimes(limiter, p, "first", 3);
      expect((await limiter.consume(p, "first")).allowed).toBe(false);
      expect(await limiter.consume(p, "second")).toMatchObject({ allowed: true, remaining: 1 });
    });

    it("shares one count between instances (two web processes)", async () => {
      const p = policy(4);
      const one = new RateLimiter(store());
      const two = new RateLimiter(store());
      await consumeTimes(one, p, "k", 2);
      await consumeTimes(two, p, "k", 2);
      expect((await one.consume(p, "k")).allowed).toBe(false);
      expect((await two.consume(p, "k")).allowed).toBe(false);
    });

    it("counts concurrent requests exactly (atomic in the store)", async () => {
      // A generous timeout: this is about the store's atomicity, not the memory fallback (which
      // counts per process, so a burst that times out is limited by each process separately).
      const limiter = new RateLimiter(store(), 10_000);
      const p = policy(10);
      const decisions = await Promise.all(Array.from({ length: 25 }, () => limiter.consume(p, "burst")));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    });
  });
}

storeContract("PostgreSQL", () => postgresStore());

describe.runIf(hasRedisServer())("with Redis (redis-server on this machine)", () => {
  let server: Awaited<ReturnType<typeof startRedisServer>>;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis(server!.url, { lazyConnect: true, retryStrategy: () => 50 });
    client.on("error", () => {});
    await client.connect();
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  storeContract("Redis", () => redisStore(client));

  it("keeps limiting in memory while Redis is unreachable, and logs it", async () => {
    const down = new Redis(`redis://127.0.0.1:${await freePort()}`, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: false });
    down.on("error", () => {});
    const warn = vi.spyOn(logger, "warn");
    try {
      const limiter = new RateLimiter(redisStore(down));
      const p = policy(2);
      expect((await consumeTimes(limiter, p, "k", 3)).map((d) => d.allowed)).toEqual([true, true, false]);
      expect(warn).toHaveBeenCalledWith(expect.objectContaining({ policy: p.name }), expect.stringContaining("rate-limit store unavailable"));
    } finally {
      warn.mockRestore();
      down.disconnect();
    }
  });
});

describe("with the store down", () => {
  let silent: Server;
  afterAll(() => silent?.close());

  it("PostgreSQL refusing connections: counts in this process's memory, with the same limit, and logs it", async () => {
    const url = `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`;
    const deadDb = drizzle(postgres(url, { max: 1, connect_timeout: 2 }));
    const warn = vi.spyOn(logger, "warn");
    try {
      const limiter = new RateLimiter(postgresStore(deadDb));
      const p = policy(2);
      const decisions = await consumeTimes(limiter, p, "k", 3);
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, false]);
      expect(rateLimitHeaders(decisions[2]!)["retry-after"]).toMatch(/^\d+$/);
      expect(warn).toHaveBeenCalledTimes(1); // once a minute at most, not once a request
    } finally {
      warn.mockRestore();
    }
  });

  it("a store that accepts but never answers: gives up after the timeout instead of holding the request", async () => {
    silent = createServer(() => {}).listen(0, "127.0.0.1");
    await new Promise((resolve) => silent.once("listening", resolve));
    const { port } = silent.address() as { port: number };
    const hung = drizzle(postgres(`postgres://postgres@127.0.0.1:${port}/nowhere`, { max: 1, connect_timeout: 30 }));
    const limiter = new RateLimiter(postgresStore(hung), 100);
    const started = performance.now();
    const decision = await limiter.consume(policy(5), "k");
    console.log(`hung store: answered in ${Math.round(performance.now() - started)} ms (timeout 100 ms)`);
    expect(decision).toMatchObject({ allowed: true, remaining: 4 });
  });
});

describe("the shared PostgreSQL store", () => {
  it("keeps its counters in the rate_limits table (one row per policy and key)", async () => {
    const p = policy(5);
    await consumeTimes(new RateLimiter(postgresStore()), p, "k", 2);
    const rows = await rawSql<{ key: string; points: number }[]>`select key, points from rate_limits where key = ${`${p.name}:k`}`;
    expect(rows).toEqual([{ key: `${p.name}:k`, points: 2 }]);
  });
});

describe("rateLimitHeaders", () => {
  it("writes the IETF RateLimit and RateLimit-Policy fields, and Retry-After only on a refusal", () => {
    const p = { name: "api", limit: 600, windowSeconds: 60 };
    expect(rateLimitHeaders({ policy: p, allowed: true, remaining: 599, resetSeconds: 60 })).toEqual({
      "ratelimit-policy": '"api";q=600;w=60',
      ratelimit: '"api";r=599;t=60',
    });
    expect(rateLimitHeaders({ policy: p, allowed: false, remaining: 0, resetSeconds: 17 })).toEqual({
      "ratelimit-policy": '"api";q=600;w=60',
      ratelimit: '"api";r=0;t=17',
      "retry-after": "17",
    });
  });
});

describe("public endpoints", () => {
  it("limits POSTs to the account forms and the visit beacon; never Stripe webhooks or pages read", () => {
    for (const path of ["/sign-in", "/sign-up", "/forgot-password", "/reset-password", "/api/auth/callback/credentials", "/sign-in/"]) {
      expect(publicPolicyFor("POST", path)?.name).toBe("auth");
    }
    expect(publicPolicyFor("POST", "/api/storefront/visit")?.name).toBe("beacon");
    expect(publicPolicyFor("POST", "/api/webhooks/stripe")).toBeNull();
    expect(publicPolicyFor("GET", "/sign-in")).toBeNull();
    expect(publicPolicyFor("POST", "/dashboard/shop")).toBeNull();
  });

  it("counts by client address, one budget per address, none without a trusted address", async () => {
    const hops = env.TRUSTED_PROXY_HOPS;
    const from = (ip: string) => new Headers({ "x-forwarded-for": ip });
    try {
      env.TRUSTED_PROXY_HOPS = 0;
      expect(await limitPublicRequest("POST", "/sign-in", from("203.0.113.9"))).toBeNull();
      env.TRUSTED_PROXY_HOPS = 1;
      const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
      const decisions = [];
      for (let i = 0; i <= env.RATE_LIMIT_AUTH_PER_MINUTE; i++) decisions.push(await limitPublicRequest("POST", i % 2 ? "/sign-up" : "/sign-in", from(ip)));
      expect(decisions.slice(0, -1).every((d) => d?.allowed)).toBe(true);
      expect(decisions.at(-1)).toMatchObject({ allowed: false, remaining: 0 });
      expect((await limitPublicRequest("POST", "/sign-in", from("192.0.2.77")))?.allowed).toBe(true);
    } finally {
      env.TRUSTED_PROXY_HOPS = hops;
    }
  });
});
