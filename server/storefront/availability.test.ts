import { afterEach, describe, expect, it, vi } from "vitest";
import { makeTenant, makeUser, setTenantStatus } from "@/test/factories";
import { availabilityFor } from "./availability";

describe("storefront availability memo", () => {
  afterEach(() => vi.useRealTimers());

  it("answers from memory, then from a background refresh once the entry is five seconds old", async () => {
    const owner = await makeUser("Memo");
    const shop = await makeTenant(owner, "Memo Shop");
    await setTenantStatus(shop.id, "active");
    vi.useFakeTimers({ toFake: ["Date"] });

    expect(await availabilityFor(shop.slug)).toBe("open");
    await setTenantStatus(shop.id, "suspended");
    expect(await availabilityFor(shop.slug)).toBe("open"); // within the TTL: no query

    vi.setSystemTime(Date.now() + 6_000);
    // Expired: the last answer comes back at once while one refresh runs…
    const during = await Promise.all(Array.from({ length: 20 }, () => availabilityFor(shop.slug)));
    expect(new Set(during)).toEqual(new Set(["open"]));
    // …and the refreshed answer is served once it lands.
    await vi.waitFor(async () => expect(await availabilityFor(shop.slug)).toBe("suspended"));
  });

  it("waits for the first lookup of an unknown slug, and shares it among concurrent callers", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => availabilityFor("memo-no-such-shop")));
    expect(new Set(results)).toEqual(new Set(["missing"]));
  });
});
