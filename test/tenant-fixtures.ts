import type { PublicUser } from "@/server/domain/users";
import type { Tenant } from "@/server/db/schema";
import { withSystem, withTenant } from "@/server/db/tenancy";
import { meterEventReports, subscriptions, usageStatementLines, usageStatements } from "@/server/db/schema";
import { recordAudit } from "@/server/domain/audit";
import { aiRequests, apiKeys, categories, mediaAssets, products, storefrontSettings, teamInvitations, usageAlerts, usageEvents, visitRateLimits, visits } from "@/server/db/schema";
import { generateApiKey } from "@/server/domain/api-keys";
import { sql } from "drizzle-orm";

/**
 * Rows for every tenant table, created the way the product creates them. The
 * isolation test derives the list of tenant tables from the database and fails
 * for any table without rows here: a new tenant table needs a fixture below.
 *
 * Already covered by makeTenant(): tenants, memberships, audit_log, provisioning_logs (trial provisioning).
 */
export async function createTenantFixtures(tenant: Tenant, owner: PublicUser): Promise<void> {
  await withTenant(tenant.id, (tx) =>
    recordAudit(tx, { userId: owner.id }, { tenantId: tenant.id, action: "fixture.created", targetType: "fixture" }),
  );
  // Catalog, media, storefront and visits, through the tenant door.
  await withTenant(tenant.id, async (tx) => {
    const [category] = await tx.insert(categories).values({ tenantId: tenant.id, name: "Fixture category", slug: "fixture-category" }).returning();
    const [product] = await tx
      .insert(products)
      .values({ tenantId: tenant.id, categoryId: category!.id, name: "Fixture product", slug: "fixture-product", price: "1.000", status: "published" })
      .returning();
    await tx.insert(mediaAssets).values({ tenantId: tenant.id, productId: product!.id, objectKey: `tenants/${tenant.id}/media/fixture.png`, contentType: "image/png", bytes: 1, status: "ready" });
    await tx.insert(storefrontSettings).values({ tenantId: tenant.id, tagline: "Fixture" });
    await tx.insert(visits).values({ tenantId: tenant.id, path: "/", visitorId: "fixture-visitor", productId: product!.id });
    await tx.insert(visitRateLimits).values({ tenantId: tenant.id, clientKey: "fixture-client", windowStart: new Date(), hits: 1 });
    await tx.insert(aiRequests).values({ tenantId: tenant.id, id: crypto.randomUUID() });
    const occurredAt = new Date();
    const period = `${occurredAt.toISOString().slice(0, 7)}-01`;
    await tx.execute(sql`select usage_events_ensure_partition(${period}::date)`);
    await tx.insert(usageEvents).values({ tenantId: tenant.id, period, idempotencyKey: "fixture-event", metric: "api_calls", quantity: "1", occurredAt, source: "system" });
    await tx.insert(usageAlerts).values({ tenantId: tenant.id, period, metric: "api_calls", threshold: 80, used: "1" });
    const key = generateApiKey();
    await tx.insert(apiKeys).values({ tenantId: tenant.id, kind: "shop", name: "Fixture key", keyHash: key.hash, prefix: key.prefix, scopes: ["catalog:read"] });
    await tx.insert(teamInvitations).values({ tenantId: tenant.id, email: `invitee-${tenant.id.slice(0, 8)}@example.test`, role: "member", expiresAt: new Date(Date.now() + 86_400_000), invitedByUserId: owner.id });
  });
  // Billing rows are written only by the system door (webhooks, checkout).
  await withSystem("test-fixtures", (tx) =>
    tx.insert(subscriptions).values({ tenantId: tenant.id, stripeCustomerId: `cus_fixture_${tenant.id.slice(0, 8)}`, status: "active", plan: "starter" }),
  );
  // Usage statements and the meter-event ledger are written only by the billing run (system door).
  await withSystem("test-fixtures", async (tx) => {
    const period = "2026-01-01";
    await tx.insert(usageStatements).values({ tenantId: tenant.id, period, plan: "starter", currency: "EUR", total: "0.001", events: 1, runId: tenant.id });
    await tx.insert(usageStatementLines).values({ tenantId: tenant.id, period, metric: "api_calls", quantity: "100001", included: "100000", billable: "1", unitPrice: "0.001", amount: "0.001", currency: "EUR" });
    await tx.insert(meterEventReports).values({
      tenantId: tenant.id,
      period,
      metric: "api_calls",
      identifier: `souk_2026-01_${tenant.id}_api_calls`,
      eventName: "souk_api_calls",
      stripeCustomerId: `cus_fixture_${tenant.id.slice(0, 8)}`,
      value: "1",
      timestamp: new Date("2026-01-31T23:59:59Z"),
    });
  });
}
