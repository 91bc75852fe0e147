import { spawnSync, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/scripts/lib/ports";
import { startVarnish, type LocalVarnish } from "@/scripts/lib/varnish";
import { startTestS3 } from "@/test/s3";
import { buildNext, pollUntil, productionEnv, startNext, type NextServer } from "@/test/next-server";
import { killRedisServer, redisSkipReason, spawnRedisServer } from "@/test/redis";

/**
 * One production build for both parts of this file; either part may be skipped.
 * 1. Two `next start` instances sharing one Redis through the cache handler: an edit through
 * instance A shows on instance B's storefront within a second, Redis going away leaves pages
 * served from the database (health: redis "degraded", 200), and Redis coming back is used again.
 * Redis here is a redis-server of the test's own on a free port (it is killed and restarted),
 * so the machine's Redis is only asked whether Redis is there at all.
 * 2. Varnish with ops/varnish/souk.vcl in front of `next start`: storefront pages served from
 *    the cache, dashboards, APIs and session requests passed through, an edit visible within 1 s.
 */
let built = false;
function buildOnce(env: NodeJS.ProcessEnv) {
  if (!built) buildNext(env);
  built = true;
}


const redisSkip = await redisSkipReason();
if (redisSkip) console.warn(`[shared-cache] Redis part skipped: ${redisSkip}`);
const hasVarnish = spawnSync("varnishd", ["-V"]).status === 0;
if (!hasVarnish) console.warn("[shared-cache] Varnish part skipped: varnishd is not on PATH (apt-get install varnish; .ci/run does)");



let s3: Awaited<ReturnType<typeof startTestS3>> | undefined;
let slug: string;
let apiKey: string;

/** One active shop and a shop key that may edit it, made once for whichever part runs. */
async function shopOnce() {
  if (s3) return;
  s3 = await startTestS3();
  const { makeTenant, makeUser, setTenantStatus } = await import("@/test/factories");
  const { makeShopKey } = await import("@/test/api-keys");
  const owner = await makeUser("Cache Owner");
  const tenant = await makeTenant(owner, "Cache Shop");
  await setTenantStatus(tenant.id, "active");
  slug = tenant.slug;
  apiKey = (await makeShopKey(tenant, owner.id, ["catalog:write"])).key;
}

afterAll(async () => {
  await s3?.stop();
});

async function setTagline(baseUrl: string, tagline: string) {
  const res = await fetch(`${baseUrl}/api/trpc/storefront.update`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ json: { tenantSlug: slug, tagline } }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function home(baseUrl: string, headers: Record<string, string> = {}) {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/s/${slug}`, { headers });
  return { status: res.status, html: await res.text(), cache: res.headers.get("x-nextjs-cache"), edge: res.headers.get("x-cache-status"), ms: performance.now() - started };
}

const shows = (baseUrl: string, text: string) => async () => (await home(baseUrl)).html.includes(text);

describe.skipIf(redisSkip !== null)("shared cache through Redis across two instances", () => {
  let redis: ChildProcess;
  let redisPort: number;
  let a: NextServer;
  let b: NextServer;

  beforeAll(async () => {
    await shopOnce();
    redisPort = await freePort();
    redis = await spawnRedisServer(redisPort);
    const env = productionEnv({ APP_URL: "http://127.0.0.1", REDIS_URL: `redis://127.0.0.1:${redisPort}/0` });
    buildOnce(env);
    [a, b] = await Promise.all([startNext(env), startNext(env)]);
  }, 600_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (redis) await killRedisServer(redis);
  });

  it("serves B from the entry A rendered, and shows A's edit on B within a second", async () => {
    await setTagline(a.url, "Tagline one");
    expect((await home(a.url)).html).toContain("Tagline one");
    // B never rendered this page: a HIT on its first request is A's entry, read from Redis.
    const first = await home(b.url);
    expect(first.html).toContain("Tagline one");
    expect(first.cache).toBe("HIT");

    await setTagline(a.url, "Tagline two");
    const took = await pollUntil(shows(b.url, "Tagline two"), 1000);
    console.log(`[shared-cache] edit through A visible on B in a request sent ${took?.toFixed(0)} ms after it`);
    expect(took).not.toBeNull();
  });

  it("keeps serving pages from the database while Redis is down, and uses Redis again when it is back", async () => {
    await killRedisServer(redis);
    const during = await home(b.url);
    expect(during.status).toBe(200);
    console.log(`[shared-cache] page on B with Redis down: ${during.ms.toFixed(0)} ms`);

    const health = await fetch(`${a.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", db: "ok", redis: "degraded" });

    // An edit during the outage reaches B too: neither instance serves from a cache it cannot check.
    await setTagline(a.url, "Tagline during outage");
    expect(await pollUntil(shows(b.url, "Tagline during outage"), 1000)).not.toBeNull();

    redis = await spawnRedisServer(redisPort);
    const back = await pollUntil(async () => ((await (await fetch(`${a.url}/api/health`)).json()) as { redis: string }).redis === "ok", 5000, 100);
    expect(back).not.toBeNull();
    // Both instances reconnect and share entries again: A renders, B is served A's entry.
    const ready = await pollUntil(
      async () => {
        await home(a.url);
        return (await home(b.url)).cache === "HIT";
      },
      5000,
      100,
    );
    expect(ready).not.toBeNull();

    await setTagline(a.url, "Tagline after restart");
    const took = await pollUntil(shows(b.url, "Tagline after restart"), 1000);
    console.log(`[shared-cache] after the Redis restart, edit through A visible on B in a request sent ${took?.toFixed(0)} ms after it`);
    expect(took).not.toBeNull();
  });
});

describe.skipIf(!hasVarnish)("Varnish micro-cache in front of the storefront", () => {
  let app: NextServer;
  let varnish: LocalVarnish;

  beforeAll(async () => {
    await shopOnce();
    const env = productionEnv({ APP_URL: "http://127.0.0.1" });
    buildOnce(env);
    app = await startNext(env);
    varnish = await startVarnish(app.port);
  }, 600_000);

  afterAll(async () => {
    await varnish?.stop();
    await app?.stop();
  });

  it("serves a storefront page from the cache, keyed by host and path", async () => {
    await setTagline(app.url, "Cached tagline");
    await home(varnish.url);
    const hit = await pollUntil(async () => (await home(varnish.url)).edge === "HIT", 2000, 10);
    expect(hit).not.toBeNull();
    const page = await home(varnish.url);
    expect(page.html).toContain("Cached tagline");
    // Another cookie (analytics) does not keep a visitor from the cache.
    expect((await home(varnish.url, { cookie: "consent=yes" })).edge).toMatch(/HIT|MISS/);
  });

  it("passes dashboards, APIs and requests with a session cookie to the app", async () => {
    const dashboard = await fetch(`${varnish.url}/dashboard`, { redirect: "manual" });
    expect(dashboard.headers.get("x-cache-status")).toBe("BYPASS");
    const health = await fetch(`${varnish.url}/api/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get("x-cache-status")).toBe("BYPASS");
    const signedIn = await home(varnish.url, { cookie: "authjs.session-token=anything" });
    expect(signedIn.edge).toBe("BYPASS");
    const secure = await home(varnish.url, { cookie: "theme=dark; __Secure-authjs.session-token=anything" });
    expect(secure.edge).toBe("BYPASS");
  });

  it("shows an edit through the cache within a second", async () => {
    await home(varnish.url);
    expect((await home(varnish.url)).edge).toBe("HIT");
    // The edit goes through Varnish too (a POST: passed).
    await setTagline(varnish.url, "Edited behind the cache");
    const took = await pollUntil(shows(varnish.url, "Edited behind the cache"), 1000);
    console.log(`[shared-cache] edit visible through Varnish in a request sent ${took?.toFixed(0)} ms after it`);
    expect(took).not.toBeNull();
  });
});
