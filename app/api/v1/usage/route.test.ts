import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { withSystem, withTenant } from "@/server/db/tenancy";
import { setTimeout as sleep } from "node:timers/promises";
import { apiKeys, tenants } from "@/server/db/schema";
import { env } from "@/server/env";
import { eq } from "drizzle-orm";
import { makeTenant, makeUser, uniqueSuffix } from "@/test/factories";
import { makePlatformKey, makeShopKey } from "@/test/api-keys";
import { MAX_BODY_BYTES } from "@/server/domain/usage/ingest";
import { flushApiCalls } from "@/server/usage/api-call-meter";
import { POST } from "./route";

const post = (body: unknown, key?: string, raw = false) =>
  POST(
    new Request("http://localhost/api/v1/usage", {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: raw ? (body as string) : JSON.stringify(body),
    }),
  );

const ev = (over: Record<string, unknown> = {}) => ({ metric: "api_calls", quantity: 1, occurredAt: new Date().toISOString(), idempotencyKey: `e-${uniqueSuffix()}`, ...over });

async function usageOf(tenantId: string, metric = "api_calls"): Promise<string> {
  const [row] = await withTenant(tenantId, (tx) => tx.execute<{ n: string }>(sql`select coalesce(sum(quantity), 0)::text as n from usage_events where metric = ${metric} and source = 'api'`));
  return row!.n;
}

describe("POST /api/v1/usage", () => {
  it("stores a shop key's valid events, reports each invalid one, and counts a replay as duplicate", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    const { key } = await makeShopKey(shop, owner.id);
    const events = [
      ev({ quantity: "5" }),
      ev({ metric: "nope" }),
      ev({ quantity: -1 }),
      ev({ quantity: "lots" }),
      ev({ quantity: 1.5 }),
      ev({ occurredAt: new Date(Date.now() + 10 * 60_000).toISOString() }),
      ev({ occurredAt: "yesterday" }),
      ev({ metric: "storage_gb_months", quantity: "0.25" }),
      ev({ shop: "some-other-shop" }),
      { metric: "api_calls", quantity: 1, occurredAt: new Date().toISOString() },
    ];
    const res = await post({ events }, key);
    expect(res.status).toBe(200);
    // The proxy skips this route; the route sets the request id itself.
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("cache-control")).toBe("no-store, no-transform"); // a small answer is not gzipped
    const body = (await res.json()) as { accepted: number; duplicate: number; rejected: number; errors: { index: number; code: string }[] };
    expect(body).toMatchObject({ accepted: 2, duplicate: 0, rejected: 8 });
    expect(body.errors.map((e) => [e.index, e.code])).toEqual([
      [1, "unknown_metric"],
      [2, "negative_quantity"],
      [3, "invalid_quantity"],
      [4, "invalid_quantity"],
      [5, "future_time"],
      [6, "invalid_time"],
      [8, "forbidden_shop"],
      [9, "invalid_idempotency_key"],
    ]);
    expect(await usageOf(shop.id)).toBe("5.000000");
    expect(await usageOf(shop.id, "storage_gb_months")).toBe("0.250000");

    const replay = (await (await post({ events: [events[0], events[7], ev({ quantity: 2 })] }, key)).json()) as { accepted: number; duplicate: number };
    expect(replay).toMatchObject({ accepted: 1, duplicate: 2 });
    expect(await usageOf(shop.id)).toBe("7.000000");
  });

  it("takes a platform key's events for the shops they name (slug or id) and refuses unknown shops", async () => {
    // One owner each: an account opens one trial shop.
    const [a, b] = await Promise.all([makeTenant(await makeUser(), "Shop A"), makeTenant(await makeUser(), "Shop B")]);
    const { key } = await makePlatformKey();
    const res = await post({ events: [ev({ shop: a.slug, quantity: 3 }), ev({ shop: b.id, quantity: 4 }), ev({ shop: "no-such-shop" }), ev()] }, key);
    const body = (await res.json()) as { accepted: number; errors: { index: number; code: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.errors.map((e) => [e.index, e.code])).toEqual([
      [2, "unknown_shop"],
      [3, "unknown_shop"],
    ]);
    expect([await usageOf(a.id), await usageOf(b.id)]).toEqual(["3.000000", "4.000000"]);
  });

  it("answers 401 for a missing, unknown, revoked or expired key and 403 for a key without usage:write, problem-style with a stable code", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    const readOnly = await makeShopKey(shop, owner.id, ["catalog:read"]);
    const revoked = await makeShopKey(shop, owner.id);
    const expired = await makeShopKey(shop, owner.id);
    await withSystem("test", async (tx) => {
      await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, revoked.apiKey.id));
      await tx.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, expired.apiKey.id));
    });
    const cases: [string | undefined, number, string][] = [
      [undefined, 401, "missing_key"],
      ["souk_" + "x".repeat(32), 401, "invalid_key"],
      ["not-a-key", 401, "invalid_key"],
      [revoked.key, 401, "revoked_key"],
      [expired.key, 401, "expired_key"],
      [readOnly.key, 403, "insufficient_scope"],
    ];
    for (const [key, status, code] of cases) {
      const res = await post({ events: [ev()] }, key);
      expect({ code, status: res.status, type: res.headers.get("content-type") }).toEqual({ code, status, type: "application/problem+json" });
      const body = (await res.json()) as { code: string; title: string };
      expect(body.code).toBe(code);
      if (key) expect(JSON.stringify(body)).not.toContain(key);
    }
    expect(await usageOf(shop.id)).toBe("0");
  });

  it("answers 400 for malformed JSON or no events array, and 413 for an oversized body or batch, storing nothing", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    const { key } = await makeShopKey(shop, owner.id);
    const malformed = await post("{ not json", key, true);
    expect([malformed.status, ((await malformed.json()) as { code: string }).code]).toEqual([400, "malformed_json"]);
    const noEvents = await post({ event: [] }, key);
    expect([noEvents.status, ((await noEvents.json()) as { code: string }).code]).toEqual([400, "bad_request"]);
    const huge = await post({ events: [ev({ idempotencyKey: "x".repeat(MAX_BODY_BYTES) })] }, key);
    expect([huge.status, ((await huge.json()) as { code: string }).code]).toEqual([413, "payload_too_large"]);
    const tooMany = await post({ events: Array.from({ length: 1001 }, () => ev()) }, key);
    expect([tooMany.status, ((await tooMany.json()) as { code: string }).code]).toEqual([413, "payload_too_large"]);
    expect(await usageOf(shop.id)).toBe("0");
  });

  it("meters each shop-key request as api_calls, buffered and written in one batch", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    const { key } = await makeShopKey(shop, owner.id);
    await flushApiCalls();
    for (let i = 0; i < 3; i++) await post({ events: [ev({ metric: "storefront_visits" })] }, key);
    const [before] = await withTenant(shop.id, (tx) => tx.execute<{ n: number }>(sql`select count(*)::int as n from usage_events where source = 'platform'`));
    expect(before!.n).toBe(0); // nothing written per request
    expect(await flushApiCalls()).toBe(3);
    const [after] = await withTenant(shop.id, (tx) => tx.execute<{ n: number; q: string }>(sql`select count(*)::int as n, sum(quantity)::text as q from usage_events where source = 'platform' and metric = 'api_calls'`));
    expect(after).toEqual({ n: 1, q: "3.000000" });
  });

  describe("rate limits per key, by the shop's plan", () => {
    const burst = async (key: string, n: number) => {
      const answers: Response[] = [];
      for (let i = 0; i < n; i++) answers.push(await post({ events: [] }, key));
      return answers;
    };
    const setPlan = (tenantId: string, plan: string) => withSystem("test-plan", (tx) => tx.update(tenants).set({ plan }).where(eq(tenants.id, tenantId)));

    it("answers a trial shop's key 429 after 60 requests a minute, problem-style with Retry-After and RateLimit fields; the shop's other key is unaffected", async () => {
      const owner = await makeUser();
      const shop = await makeTenant(owner);
      const { key } = await makeShopKey(shop, owner.id);
      const { key: other } = await makeShopKey(shop, owner.id);
      const answers = await burst(key, 61);
      expect(answers.slice(0, 60).map((r) => r.status).filter((s) => s === 429)).toEqual([]);
      expect(answers[0]!.headers.get("ratelimit-policy")).toBe('"api";q=60;w=60');
      expect(answers[0]!.headers.get("ratelimit")).toMatch(/^"api";r=59;t=\d+$/);
      expect(answers[0]!.headers.get("retry-after")).toBeNull();

      const refused = answers[60]!;
      expect(refused.status).toBe(429);
      expect(refused.headers.get("content-type")).toBe("application/problem+json");
      const wait = Number(refused.headers.get("retry-after"));
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
      expect(refused.headers.get("ratelimit")).toBe(`"api";r=0;t=${wait}`);
      expect(await refused.json()).toMatchObject({ status: 429, code: "rate_limited", title: expect.stringContaining("60 requests per 60 seconds") });
      // A refused batch is not ingested.
      expect((await post({ events: [ev()] }, key)).status).toBe(429);
      expect(await usageOf(shop.id)).toBe("0");

      const fresh = await post({ events: [ev()] }, other);
      expect(fresh.status).toBe(200);
      expect(fresh.headers.get("ratelimit")).toMatch(/^"api";r=59;/);
    });

    it("takes the numbers from the shop's plan: Starter and Pro 600, Museum 1,200; platform keys their own", async () => {
      for (const [plan, quota] of [["starter", 600], ["pro", 600], ["museum", 1200]] as const) {
        const owner = await makeUser();
        const shop = await makeTenant(owner);
        await setPlan(shop.id, plan);
        const { key } = await makeShopKey(shop, owner.id);
        expect((await post({ events: [] }, key)).headers.get("ratelimit-policy")).toBe(`"api";q=${quota};w=60`);
      }
      const { key } = await makePlatformKey();
      expect((await post({ events: [] }, key)).headers.get("ratelimit-policy")).toBe(`"api";q=${env.RATE_LIMIT_PLATFORM_KEY_PER_MINUTE};w=60`);
    });

    it("lets the key in again once the window has passed (a 5-second window, configured)", async () => {
      const window = env.RATE_LIMIT_WINDOW_SECONDS;
      env.RATE_LIMIT_WINDOW_SECONDS = 5;
      try {
        const owner = await makeUser();
        const shop = await makeTenant(owner);
        const { key } = await makeShopKey(shop, owner.id);
        const answers = await Promise.all(Array.from({ length: 61 }, () => post({ events: [] }, key)));
        const refused = answers.find((r) => r.status === 429)!;
        expect(refused).toBeDefined();
        const wait = Number(refused.headers.get("retry-after"));
        expect(wait).toBeGreaterThanOrEqual(1);
        expect(wait).toBeLessThanOrEqual(5);
        await sleep(wait * 1000 + 200);
        const again = await post({ events: [ev()] }, key);
        expect(again.status).toBe(200);
        expect(again.headers.get("ratelimit-policy")).toBe('"api";q=60;w=5');
      } finally {
        env.RATE_LIMIT_WINDOW_SECONDS = window;
      }
    });

    it("does not count requests without a valid key against anyone", async () => {
      const answers = await burst("souk_" + "x".repeat(32), 3);
      expect(answers.map((r) => [r.status, r.headers.get("ratelimit")])).toEqual(Array(3).fill([401, null]));
    });
  });
});

