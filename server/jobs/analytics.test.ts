import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { visits } from "@/server/db/schema";
import { withSystem, withTenant } from "@/server/db/tenancy";
import { insertVisits, purgeVisitsBefore } from "@/server/domain/analytics";
import { env } from "@/server/env";
import { makeTenant, makeUser, visitRow } from "@/test/factories";
import { purgeExpiredVisits } from "./analytics";

const DAY = 86_400_000;

async function visitCount(tenantId: string) {
  const [row] = await db.select({ n: count() }).from(visits).where(eq(visits.tenantId, tenantId));
  return row!.n;
}

async function seedVisits(tenantId: string, ages: number[]) {
  await withTenant(tenantId, (tx) =>
    insertVisits(
      tx,
      tenantId,
      ages.map((days) => visitRow({ visitorId: `v-${days}`, occurredAt: new Date(Date.now() - days * DAY) })),
    ),
  );
}

describe("visit retention", () => {
  it("deletes every shop's visits older than VISIT_RETENTION_DAYS and keeps the rest", async () => {
    const owner = await makeUser("Retention");
    const [a, b] = [await makeTenant(owner, "Old Visits A"), await makeTenant(await makeUser("Retention B"), "Old Visits B")];
    const old = env.VISIT_RETENTION_DAYS + 5;
    await seedVisits(a.id, [1, 30, old, old + 100]);
    await seedVisits(b.id, [old, 2]);
    expect(await purgeExpiredVisits()).toBeGreaterThanOrEqual(3);
    expect(await visitCount(a.id)).toBe(2);
    expect(await visitCount(b.id)).toBe(1);
  });

  it("deletes one shop's rows only, in bounded batches", async () => {
    const owner = await makeUser("Retention Batches");
    const [mine, theirs] = [await makeTenant(owner, "Batch Shop"), await makeTenant(await makeUser("Retention Other"), "Other Shop")];
    await seedVisits(mine.id, [10, 11, 12]);
    await seedVisits(theirs.id, [10]);
    const cutoff = new Date();
    expect(await withSystem("test", (tx) => purgeVisitsBefore(tx, mine.id, cutoff, 2))).toBe(2);
    expect(await withSystem("test", (tx) => purgeVisitsBefore(tx, mine.id, cutoff, 2))).toBe(1);
    expect(await visitCount(mine.id)).toBe(0);
    expect(await visitCount(theirs.id)).toBe(1);
  });

  it("is not open to tenants: the tenant role cannot delete visits, its own or another shop's", async () => {
    const owner = await makeUser("Retention Tenant");
    const [mine, theirs] = [await makeTenant(owner, "Tenant Shop"), await makeTenant(await makeUser("Retention Their"), "Their Shop")];
    await seedVisits(mine.id, [10]);
    await seedVisits(theirs.id, [10]);
    for (const target of [mine.id, theirs.id]) {
      await expect(withTenant(mine.id, (tx) => purgeVisitsBefore(tx, target, new Date()))).rejects.toMatchObject({ cause: { code: "42501" } }); // insufficient_privilege
    }
    expect(await visitCount(mine.id)).toBe(1);
    expect(await visitCount(theirs.id)).toBe(1);
  });
});
