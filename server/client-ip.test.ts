import { describe, expect, it } from "vitest";
import { clientIp } from "./client-ip";

const forwardedFor = (value?: string) => new Headers(value === undefined ? {} : { "x-forwarded-for": value });

describe("clientIp", () => {
  it("takes the address Next.js records for a direct connection", () => {
    expect(clientIp(forwardedFor("203.0.113.7"), 1)).toBe("203.0.113.7");
  });

  it("ignores what the client wrote before the trusted proxies' entries", () => {
    // The client sent X-Forwarded-For: 10.0.0.1; one proxy appended the real address.
    expect(clientIp(forwardedFor("10.0.0.1, 203.0.113.7"), 1)).toBe("203.0.113.7");
    // Two proxies: a CDN appended the client, the load balancer appended the CDN.
    expect(clientIp(forwardedFor("10.0.0.1, 203.0.113.7, 198.51.100.2"), 2)).toBe("203.0.113.7");
  });

  it("gives no address rather than a forgeable one", () => {
    expect(clientIp(forwardedFor("203.0.113.7"), 0)).toBeNull();
    expect(clientIp(forwardedFor("203.0.113.7"), 2)).toBeNull();
    expect(clientIp(forwardedFor(), 1)).toBeNull();
    expect(clientIp(forwardedFor(" , "), 1)).toBeNull();
  });
});
