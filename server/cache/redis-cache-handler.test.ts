import { type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { freePort } from "@/scripts/lib/ports";
import { pollUntil } from "@/test/next-server";
import { killRedisServer, redisSkipReason, spawnRedisServer } from "@/test/redis";

/**
 * The cache handler on its own, as Next.js calls it: entries, tags, the in-process store of a
 * standalone build without REDIS_URL, and a Redis that dies and comes back (the test's own
 * redis-server, skipped with the reason when Redis is not there).
 */
type Handler = InstanceType<typeof import("./redis-cache-handler.mjs").default>;

async function loadHandler(redisUrl: string | undefined): Promise<Handler> {
  vi.resetModules();
  vi.stubEnv("REDIS_URL", redisUrl ?? "");
  const { default: RedisCacheHandler } = await import("./redis-cache-handler.mjs");
  return new RedisCacheHandler({});
}

const page = (html: string, tags: string) => ({ kind: "APP_PAGE", html, rscData: Buffer.from("rsc"), headers: { "x-next-cache-tags": tags }, status: 200, segmentData: new Map([["/_tree", Buffer.from("t")]]) });
const pageCtx = { kind: "APP_PAGE", isFallback: false, isRoutePPREnabled: false };
const setCtx = { cacheControl: { revalidate: 3600, expire: undefined } };
const fetchValue = (data: string) => ({ kind: "FETCH", data: { headers: {}, body: data, status: 200, url: "" }, revalidate: 3600, tags: ["storefront:t1"] });


describe("cache handler, in process (standalone build without REDIS_URL)", () => {
  let handler: Handler;
  beforeEach(async () => {
    handler = await loadHandler(undefined);
  });

  it("returns what was set, until one of its tags is revalidated", async () => {
    await handler.set("/s/shop", page("<p>one</p>", "storefront:t1,_N_T_/s/shop"), setCtx);
    const entry = await handler.get("/s/shop", pageCtx);
    expect(entry?.value).toMatchObject({ html: "<p>one</p>" });
    await handler.revalidateTag("storefront:t2");
    expect(await handler.get("/s/shop", pageCtx)).not.toBeNull();
    await new Promise((r) => setTimeout(r, 2));
    await handler.revalidateTag(["storefront:t1"]);
    expect(await handler.get("/s/shop", pageCtx)).toBeNull();
  });

  it("expires data entries by the tags the request gives", async () => {
    await handler.set("data-key", fetchValue("one"), { fetchCache: true, tags: ["storefront:t1"] });
    expect(await handler.get("data-key", { kind: "FETCH", tags: ["storefront:t1"], softTags: ["_N_T_/s/shop"] })).not.toBeNull();
    await new Promise((r) => setTimeout(r, 2));
    await handler.revalidateTag("_N_T_/s/shop");
    expect(await handler.get("data-key", { kind: "FETCH", tags: ["storefront:t1"], softTags: ["_N_T_/s/shop"] })).toBeNull();
  });
});

const redisSkip = await redisSkipReason();
if (redisSkip) console.warn(`[cache-handler] Redis part skipped: ${redisSkip}`);

describe.skipIf(redisSkip !== null)("cache handler on Redis", () => {
  let server: ChildProcess | undefined;
  let port: number;
  let handler: Handler;

  async function startRedis() {
    server = await spawnRedisServer(port);
  }
  async function killRedis() {
    if (server) await killRedisServer(server);
  }

  afterAll(async () => {
    await killRedis();
  });

  it("keeps binary page parts, and honours tags revalidated by any process", async () => {
    port = await freePort();
    await startRedis();
    handler = await loadHandler(`redis://127.0.0.1:${port}/0`);
    // The client connects in the background; until then reads are misses.
    await pollUntil(async () => {
      await handler.set("/s/shop", page("<p>one</p>", "storefront:t1"), setCtx);
      return (await handler.get("/s/shop", pageCtx)) !== null;
    }, 5000, 50);
    const value = (await handler.get("/s/shop", pageCtx))?.value as ReturnType<typeof page> | undefined;
    expect(Buffer.isBuffer(value?.rscData)).toBe(true);
    expect(value?.segmentData.get("/_tree")?.toString()).toBe("t");

    // Another instance's revalidation is a write to the shared tag hash.
    const other = new Redis(port, "127.0.0.1");
    await other.hset("souk:next:tags", "storefront:t1", String(Date.now() + 1));
    await new Promise((r) => setTimeout(r, 5));
    expect(await handler.get("/s/shop", pageCtx)).toBeNull();
    other.disconnect();
  });

  it("misses at once while Redis is down, and writes the revalidations it missed when Redis is back", async () => {
    await handler.set("/s/shop", page("<p>two</p>", "storefront:t1"), setCtx);
    await killRedis();
    const started = performance.now();
    expect(await handler.get("/s/shop", pageCtx)).toBeNull();
    await handler.set("/s/other", page("<p>x</p>", "storefront:t3"), setCtx);
    console.log(`[cache-handler] a read and a write with Redis down took ${(performance.now() - started).toFixed(0)} ms`);

    await handler.revalidateTag("storefront:t9");
    await startRedis();
    const other = new Redis(port, "127.0.0.1");
    const replayed = await pollUntil(async () => (await other.hget("souk:next:tags", "storefront:t9")) !== null, 5000, 50);
    other.disconnect();
    expect(replayed).not.toBeNull();
  });
});
