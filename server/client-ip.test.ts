import { describe, expect, it } from "vitest";
import { env } from "@/server/env";
import { clientIp, clientKey } from "./client-ip";

const forwardedFor = (value?: string) => new Headers(value === undefined ? {} : { "x-forwarded-for": value });

describe("clientIp, app reached directly (the default)", () => {
  it("defaults to trusting no proxy", () => {
    expect(env.TRUSTED_PROXY_HOPS).toBe(0);
  });

  it("takes no address from a header the client wrote", () => {
    // Next.js keeps a client-sent X-Forwarded-For as it came (it fills the header only when
    // absent), so on a direct connection this is exactly what a forger's request looks like.
    expect(clientIp(forwardedFor("198.51.100.66"))).toBeNull();
    expect(clientIp(forwardedFor("10.0.0.1, 198.51.100.66"))).toBeNull();
    expect(clientKey(forwardedFor("198.51.100.66"))).toBeNull();
    // Nor from the one Next filled in: it cannot be told apart from a forged one.
    expect(clientIp(forwardedFor())).toBeNull();
  });
});

describe("clientIp, behind trusted proxies", () => {
  it("takes the address one proxy that overwrites the header wrote (docker-compose's nginx)", () => {
    expect(clientIp(forwardedFor("203.0.113.7"), 1)).toBe("203.0.113.7");
  });

  it("ignores what the client wrote before the trusted proxies' entries", () => {
    // The client sent X-Forwarded-For: 10.0.0.1; one appending proxy added the real address.
    expect(clientIp(forwardedFor("10.0.0.1, 203.0.113.7"), 1)).toBe("203.0.113.7");
    // Two proxies: a CDN appended the client, the load balancer appended the CDN.
    expect(clientIp(forwardedFor("10.0.0.1, 203.0.113.7, 198.51.100.2"), 2)).toBe("203.0.113.7");
  });

  it("keys the same client the same way whatever it writes into the header", () => {
    const real = clientKey(forwardedFor("203.0.113.7"), 1);
    expect(real).toMatch(/^[\w-]{22}$/);
    expect(clientKey(forwardedFor("1.2.3.4, 203.0.113.7"), 1)).toBe(real);
    expect(clientKey(forwardedFor("5.6.7.8, 203.0.113.7"), 1)).toBe(real);
  });

  it("gives no address rather than a forgeable one", () => {
    expect(clientIp(forwardedFor("203.0.113.7"), 2)).toBeNull();
    expect(clientIp(forwardedFor(), 1)).toBeNull();
    expect(clientIp(forwardedFor(" , "), 1)).toBeNull();
  });
});
