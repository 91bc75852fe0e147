import { afterAll, describe, expect, it } from "vitest";
import { startTestS3 } from "@/test/s3";

// s3rver first: the modules below read S3_ENDPOINT when they load.
const s3 = await startTestS3();
const { and, count, countDistinct, eq, max, min, sql } = await import("drizzle-orm");
const { db } = await import("@/server/db/client");
const { categories, mediaAssets, memberships, products, tenants, users, visits } = await import("@/server/db/schema");
const { headObject } = await import("@/server/integrations/s3");
const { DEMO_OWNER, DEMO_SHOP, seedDemo } = await import("./seed");

afterAll(async () => {
  await s3.stop();
});

async function snapshot(tenantId: string) {
  const [c] = await db.select({ n: count() }).from(categories).where(eq(categories.tenantId, tenantId));
  const [p] = await db.select({ n: count() }).from(products).where(and(eq(products.tenantId, tenantId), eq(products.status, "published")));
  const [m] = await db.select({ n: count(), products: countDistinct(mediaAssets.productId) }).from(mediaAssets).where(and(eq(mediaAssets.tenantId, tenantId), eq(mediaAssets.status, "ready")));
  const [v] = await db
    .select({ n: count(), days: sql<number>`count(distinct date_trunc('day', ${visits.occurredAt}))::int`, first: min(visits.occurredAt), last: max(visits.occurredAt) })
    .from(visits)
    .where(eq(visits.tenantId, tenantId));
  return { categories: c!.n, published: p!.n, images: m!.n, productsWithImages: m!.products, visits: v!.n, visitDays: v!.days, first: v!.first, last: v!.last };
}

describe("seedDemo", () => {
  it("seeds a demo shop with a catalog, images in S3 and weeks of visits, and a second run changes nothing", async () => {
    await seedDemo();
    const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, DEMO_SHOP.slug));
    const [owner] = await db.select().from(users).where(eq(users.email, DEMO_OWNER.email));
    expect(tenant).toMatchObject({ status: "active" });
    expect(await db.select().from(memberships).where(and(eq(memberships.tenantId, tenant!.id), eq(memberships.userId, owner!.id)))).toHaveLength(1);

    const first = await snapshot(tenant!.id);
    expect(first).toMatchObject({ categories: 3, published: 12, images: 12, productsWithImages: 12 });
    expect(first.visits).toBeGreaterThan(500);
    expect(first.visitDays).toBeGreaterThanOrEqual(21);
    expect(first.last!.getTime()).toBeLessThanOrEqual(Date.now());

    // Every image is a real PNG object in the bucket, of the recorded size.
    const assets = await db.select().from(mediaAssets).where(eq(mediaAssets.tenantId, tenant!.id));
    for (const asset of assets) {
      expect(asset.objectKey.startsWith(`tenants/${tenant!.id}/`)).toBe(true);
      expect(await headObject(asset.objectKey)).toEqual({ bytes: asset.bytes, contentType: "image/png" });
    }
    const png = await fetch(`${s3.endpoint}/${s3.bucket}/${assets[0]!.objectKey}`).then((r) => r.arrayBuffer());
    expect([...new Uint8Array(png).slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

    await seedDemo();
    expect(await snapshot(tenant!.id)).toEqual(first);
  });
});
