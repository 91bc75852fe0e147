import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { isTooManyRequests } from "@/lib/rate-limit-message";
import { config, proxy } from "@/proxy";
import { env } from "@/server/env";

async function idFor(sent: string | null) {
  const headers: Record<string, string> = sent === null ? {} : { "x-request-id": sent };
  const res = await proxy(new NextRequest("http://localhost:3000/dashboard", { headers }));
  return { answered: res.headers.get("x-request-id"), forwarded: res.headers.get("x-middleware-request-x-request-id") };
}

describe("proxy request ids", () => {
  it("keeps a well-formed id from a proxy in front", async () => {
    expect(await idFor("lb-3f2a.9_Z")).toEqual({ answered: "lb-3f2a.9_Z", forwarded: "lb-3f2a.9_Z" });
    expect((await idFor("a".repeat(64))).answered).toBe("a".repeat(64));
  });

  it.each([["too long", "a".repeat(65)], ["a megabyte", "x".repeat(1_000_000)], ["spaces", "a b"], ["markup", "<script>"], ["a forged log line", 'x", "level": 60']])(
    "replaces an id with %s by a fresh one, for the app and the answer",
    async (_, sent) => {
      const { answered, forwarded } = await idFor(sent);
      expect(answered).toMatch(/^[0-9a-f-]{36}$/);
      expect(forwarded).toBe(answered);
    },
  );

  it("makes one when none was sent", async () => {
    expect((await idFor(null)).answered).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("proxy rate limits on public endpoints", () => {
  const post = (path: string, ip: string) => proxy(new NextRequest(`http://localhost:3000${path}`, { method: "POST", headers: { "x-forwarded-for": ip } }));

  it("answers a client address's POSTs to the account forms 429, as text the forms show, once over RATE_LIMIT_AUTH_PER_MINUTE", async () => {
    const hops = env.TRUSTED_PROXY_HOPS;
    env.TRUSTED_PROXY_HOPS = 1;
    try {
      const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
      const answers = [];
      for (let i = 0; i < env.RATE_LIMIT_AUTH_PER_MINUTE; i++) answers.push(await post(["/sign-in", "/sign-up", "/forgot-password", "/reset-password"][i % 4]!, ip));
      expect(answers.every((r) => r.status === 200 && r.headers.get("ratelimit-policy") === `"auth";q=${env.RATE_LIMIT_AUTH_PER_MINUTE};w=60`)).toBe(true);

      const refused = await post("/api/auth/callback/credentials", ip);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("content-type")).toBe("text/plain");
      const wait = Number(refused.headers.get("retry-after"));
      expect(refused.headers.get("ratelimit")).toBe(`"auth";r=0;t=${wait}`);
      const message = await refused.text();
      expect(isTooManyRequests(new Error(message))).toBe(true);
      expect(message).toMatch(/Try again in \d+ seconds?\./);

      // Reading the pages, and other addresses, are not affected.
      expect((await proxy(new NextRequest("http://localhost:3000/sign-in", { headers: { "x-forwarded-for": ip } }))).status).toBe(200);
      expect((await post("/sign-in", "192.0.2.10")).status).toBe(200);
    } finally {
      env.TRUSTED_PROXY_HOPS = hops;
    }
  });

  it("never sees Stripe webhooks (or usage ingestion, limited per key in its route): the matcher leaves them out", () => {
    // The matcher's one pattern is also a valid regular expression.
    const matcher = new RegExp(`^${config.matcher[0]}$`);
    expect(matcher.test("/api/webhooks/stripe")).toBe(false);
    expect(matcher.test("/api/v1/usage")).toBe(false);
    expect(matcher.test("/sign-in")).toBe(true);
    expect(matcher.test("/api/storefront/visit")).toBe(true);
  });
});

