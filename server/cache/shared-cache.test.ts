import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/scripts/lib/ports";
import { startTestS3 } from "@/test/s3";
import { buildNext, pollUntil, productionEnv, startNext, type NextServer } from "@/test/next-server";

/**
 * Two `next start` instances sharing one Redis through the cache handler: an edit through
 * instance A shows on instance B's storefront within a second, Redis going away leaves pages
 * served from the database (health: redis "degraded", 200), and Redis coming back is used again.
 * Redis here is a redis-server of the test's own on a free port (it is killed and restarted),
 * so the machine's Redis is only asked whether Redis is there at all.
 */
async function redisAnswers(port: number): Promise<boolean> {
  const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;
const machineRedis = await redisAnswers(6379);
const skipReason = !machineRedis ? "Redis at 127.0.0.1:6379 does not answer" : !hasRedisServer ? "redis-server is not on PATH" : null;
if (skipReason) console.warn(`[shared-cache] skipped: ${skipReason}`);

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const up = await pollUntil(() => redisAnswers(port), 10_000, 50);
  if (up === null) throw new Error(`redis-server on ${port} did not start`);
  return child;
}

async function killRedis(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
}

describe.skipIf(skipReason !== null)("shared cache through Redis across two instances", () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let redis: ChildProcess;
  let redisPort: number;
  let a: NextServer;
  let b: NextServer;
  let slug: string;
  let apiKey: string;

  beforeAll(async () => {
    s3 = await startTestS3();
    const { makeTenant, makeUser, setTenantStatus } = await import("@/test/factories");
    const { makeShopKey } = await import("@/test/api-keys");
    const owner = await makeUser("Cache Owner");
    const tenant = await makeTenant(owner, "Cache Shop");
    await setTenantStatus(tenant.id, "active");
    slug = tenant.slug;
    apiKey = (await makeShopKey(tenant, owner.id, ["catalog:write"])).key;

    redisPort = await freePort();
    redis = await startRedis(redisPort);
    const env = productionEnv({ APP_URL: "http://127.0.0.1", REDIS_URL: `redis://127.0.0.1:${redisPort}/0` });
    buildNext(env);
    [a, b] = await Promise.all([startNext(env), startNext(env)]);
  }, 600_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (redis) await killRedis(redis);
    await s3?.stop();
  });

  async function setTagline(server: NextServer, tagline: string) {
    const res = await fetch(`${server.url}/api/trpc/storefront.update`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ json: { tenantSlug: slug, tagline } }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  }

  async function home(server: NextServer) {
    const started = performance.now();
    const res = await fetch(`${server.url}/s/${slug}`);
    return { status: res.status, html: await res.text(), cache: res.headers.get("x-nextjs-cache"), ms: performance.now() - started };
  }

  const shows = (server: NextServer, text: string) => async () => (await home(server)).html.includes(text);

  it("serves B from the entry A rendered, and shows A's edit on B within a second", async () => {
    await setTagline(a, "Tagline one");
    expect((await home(a)).html).toContain("Tagline one");
    // B never rendered this page: a HIT on its first request is A's entry, read from Redis.
    const first = await home(b);
    expect(first.html).toContain("Tagline one");
    expect(first.cache).toBe("HIT");

    await setTagline(a, "Tagline two");
    const took = await pollUntil(shows(b, "Tagline two"), 1000);
    console.log(`[shared-cache] edit through A visible on B after ${took?.toFixed(0)} ms`);
    expect(took).not.toBeNull();
  });

  it("keeps serving pages from the database while Redis is down, and uses Redis again when it is back", async () => {
    await killRedis(redis);
    const during = await home(b);
    expect(during.status).toBe(200);
    console.log(`[shared-cache] page on B with Redis down: ${during.ms.toFixed(0)} ms`);

    const health = await fetch(`${a.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", db: "ok", redis: "degraded" });

    // An edit during the outage reaches B too: neither instance serves from a cache it cannot check.
    await setTagline(a, "Tagline during outage");
    expect(await pollUntil(shows(b, "Tagline during outage"), 1000)).not.toBeNull();

    redis = await startRedis(redisPort);
    const back = await pollUntil(async () => ((await (await fetch(`${a.url}/api/health`)).json()) as { redis: string }).redis === "ok", 5000, 100);
    expect(back).not.toBeNull();
    // Both instances reconnect and share entries again: A renders, B is served A's entry.
    const ready = await pollUntil(async () => {
      await home(a);
      return (await home(b)).cache === "HIT";
    }, 5000, 100);
    expect(ready).not.toBeNull();

    await setTagline(a, "Tagline after restart");
    const took = await pollUntil(shows(b, "Tagline after restart"), 1000);
    console.log(`[shared-cache] after the Redis restart, edit through A visible on B after ${took?.toFixed(0)} ms`);
    expect(took).not.toBeNull();
  });
});
