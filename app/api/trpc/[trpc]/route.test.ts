import { desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { capturedMails } from "@/server/db/schema";
import { requestPasswordReset, resetPassword, signOutEverywhere } from "@/server/domain/users";
import { runDueJobs } from "@/server/jobs/run-once";
import { request, signInOverHttp, type CookieJar } from "@/test/auth-http";
import { NextRequest } from "next/server";
import { makeShopKey } from "@/test/api-keys";
import { makeTenant, makeUser, TEST_PASSWORD } from "@/test/factories";
import { GET } from "./route";

/** users.me through the app's own tRPC route handler, with the browser's cookies. */
async function me(jar: CookieJar) {
  const input = encodeURIComponent(JSON.stringify({ json: null }));
  const response = await GET(request(`/api/trpc/users.me?input=${input}`, jar), { params: Promise.resolve({ trpc: "users.me" }) });
  return response!.status;
}

async function resetLinkToken(email: string) {
  await requestPasswordReset(email);
  await runDueJobs();
  const [mail] = await db.select().from(capturedMails).where(eq(capturedMails.to, email)).orderBy(desc(capturedMails.id)).limit(1);
  return decodeURIComponent(/\/reset-password\?token=([^\s]+)/.exec(mail!.text)![1]!);
}

describe("sessions end when the password is reset", () => {
  it("a cookie taken before the reset gets 401 after it; a new sign-in works", async () => {
    const user = await makeUser();
    const stolen = await signInOverHttp(user.email, TEST_PASSWORD);
    const mine = await signInOverHttp(user.email, TEST_PASSWORD);
    expect(await me(stolen)).toBe(200);

    await resetPassword({ token: await resetLinkToken(user.email), password: "a-brand-new-password" });

    expect(await me(stolen)).toBe(401);
    expect(await me(mine)).toBe(401);
    expect(await me(await signInOverHttp(user.email, "a-brand-new-password"))).toBe(200);
  });

  it("a reset link dies when another one is used", async () => {
    const user = await makeUser();
    const first = await resetLinkToken(user.email);
    const second = await resetLinkToken(user.email);
    await resetPassword({ token: second, password: "a-brand-new-password" });
    await expect(resetPassword({ token: first, password: "the-attackers-password" })).rejects.toThrow(/invalid or has expired/);
    expect(await me(await signInOverHttp(user.email, "a-brand-new-password"))).toBe(200);
  });

  it("signing out of all devices ends every session of that user only", async () => {
    const user = await makeUser();
    const other = await makeUser();
    const laptop = await signInOverHttp(user.email, TEST_PASSWORD);
    const phone = await signInOverHttp(user.email, TEST_PASSWORD);
    const someoneElse = await signInOverHttp(other.email, TEST_PASSWORD);

    await signOutEverywhere({ userId: user.id });

    expect(await me(laptop)).toBe(401);
    expect(await me(phone)).toBe(401);
    expect(await me(someoneElse)).toBe(200);
  });
});

describe("API keys on /api/trpc are rate-limited per key, by the shop's plan", () => {
  async function listProducts(key: string, tenantSlug: string) {
    const input = encodeURIComponent(JSON.stringify({ json: { tenantSlug } }));
    const req = new NextRequest(`http://localhost:3000/api/trpc/catalog.listProducts?input=${input}`, { headers: { authorization: `Bearer ${key}` } });
    return (await GET(req, { params: Promise.resolve({ trpc: "catalog.listProducts" }) }))!;
  }

  it("answers TOO_MANY_REQUESTS (429) with Retry-After and RateLimit fields after a trial key's 60 requests; a session is not limited by it", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    const { key } = await makeShopKey(shop, owner.id, ["catalog:read"]);
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await listProducts(key, shop.slug)).status);
    expect(new Set(statuses)).toEqual(new Set([200]));

    const refused = await listProducts(key, shop.slug);
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("ratelimit-policy")).toBe('"api";q=60;w=60');
    expect(refused.headers.get("ratelimit")).toBe(`"api";r=0;t=${wait}`);
    const body = (await refused.json()) as { error: { json: { data: { code: string }; message: string } } };
    expect(body.error.json.data.code).toBe("TOO_MANY_REQUESTS");
    expect(body.error.json.message).toMatch(/rate limit/);

    expect(await me(await signInOverHttp(owner.email, TEST_PASSWORD))).toBe(200);
  });
});

