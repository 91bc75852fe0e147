import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StripeHarness } from "@/test/stripe-harness";
import { codeOf } from "@/test/trpc";

// A pool of two connections, as a busy instance would see it: before the env is loaded.
process.env.DATABASE_POOL_SIZE = "2";
process.env.DATABASE_ACQUIRE_TIMEOUT_MS = "4000";

const { sql: rawSql } = await import("drizzle-orm");
const { DatabaseBusyError, NestedDoorError, withSystem, withTenant } = await import("./tenancy");
const { env } = await import("@/server/env");
const { callerFor, makeTenant, makeUser } = await import("@/test/factories");
const { startStripeHarness } = await import("@/test/stripe-harness");

let h: StripeHarness;
beforeAll(async () => {
  h = await startStripeHarness();
});
afterAll(async () => {
  await h.close();
});

/** Settles `promise`, or says it hung past `ms`. */
async function withinMs<T>(ms: number, promise: Promise<T>): Promise<T | "hung"> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<"hung">((resolve) => (timer = setTimeout(() => resolve("hung"), ms)));
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}

describe("one connection per request, bounded waits (pool of 2)", () => {
  it("runs with the small pool", () => {
    expect(env.DATABASE_POOL_SIZE).toBe(2);
  });

  it("10 concurrent checkouts against the Stripe emulator all complete; none holds a connection across a Stripe call", async () => {
    const owners = await Promise.all(Array.from({ length: 10 }, (_, i) => makeUser(`Owner ${i}`)));
    const shops = [];
    for (const owner of owners) shops.push({ owner, shop: await makeTenant(owner, "Pool Shop") });
    const all = Promise.allSettled(shops.map(({ owner, shop }) => callerFor(owner.id).subscriptions.startCheckout({ tenantSlug: shop.slug, plan: "pro" })));
    const results = await withinMs(25_000, all);
    expect(results).not.toBe("hung");
    if (results === "hung") return;
    const failures = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
    expect(failures).toEqual([]);
    for (const r of results) if (r.status === "fulfilled") expect(r.value.url).toMatch(/^http/);
    // The pool is whole afterwards.
    expect(await withSystem("test", (tx) => tx.execute(rawSql`select 1 as one`))).toHaveLength(1);
  });

  it("refuses a door opened inside another (it would wait for a second connection while holding one)", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    await expect(withTenant(shop.id, () => withSystem("inner", async () => 1))).rejects.toBeInstanceOf(NestedDoorError);
    await expect(withSystem("outer", () => withTenant(shop.id, async () => 1))).rejects.toThrow(/opened inside "outer"/);
    // Work left running after a door closed may open one of its own.
    let later: Promise<number> | undefined;
    await withSystem("outer", async () => {
      later = new Promise((resolve) => setTimeout(resolve, 50)).then(() => withSystem("after", async () => 2));
    });
    expect(await later).toBe(2);
  });

  it("fails with DatabaseBusyError (503 over the API) after DATABASE_ACQUIRE_TIMEOUT_MS when every connection stays busy, then recovers", async () => {
    const user = await makeUser();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const holders = [withSystem("hold-1", () => gate), withSystem("hold-2", () => gate)];
    const started = Date.now();
    const [waited, overApi] = await Promise.all([
      withinMs(15_000, withSystem("third", async () => "got one").catch((error: unknown) => error)),
      // A request answers 503 (retry later), not a hang and not a 500.
      withinMs(15_000, codeOf(callerFor(user.id).tenants.listMine())),
    ]);
    expect(waited).toBeInstanceOf(DatabaseBusyError);
    expect(overApi).toBe("SERVICE_UNAVAILABLE");
    expect(Date.now() - started).toBeGreaterThanOrEqual(env.DATABASE_ACQUIRE_TIMEOUT_MS - 50);
    release();
    await Promise.all(holders);
    expect(await withSystem("after", async () => "got one")).toBe("got one");
  });
});
