import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { PublicUser } from "@/server/domain/users";
import type { ProductListItem } from "@/server/domain/catalog";
import { appRouter, type AppRouter } from "./root";

/**
 * The router type is the public contract of the typed client (packages/client) and the CLI.
 * These assertions are checked by `tsc` (npm run typecheck): a procedure whose input or output
 * changes shape fails here, so a breaking change is a decision made in review, not an accident.
 * Update the pinned shape (and the client's changelog) when the change is meant.
 */
type In = inferRouterInputs<AppRouter>;
type Out = inferRouterOutputs<AppRouter>;
type Status = "draft" | "published" | "archived";
type Scope = "usage:write" | "catalog:read" | "catalog:write" | "admin";

type Product = {
  id: string;
  tenantId: string;
  name: string;
  slug: string;
  description: string;
  seoTitle: string;
  seoDescription: string;
  price: string;
  currency: string | null;
  status: Status;
  categoryId: string | null;
  sku: string | null;
  stock: number | null;
  featured: boolean;
  position: number;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

describe("public API contract", () => {
  it("names the routers a client sees", () => {
    expect(Object.keys(appRouter._def.record).sort()).toEqual([
      "admin",
      "apiKeys",
      "billingRuns",
      "catalog",
      "impersonation",
      "media",
      "storefront",
      "subscriptions",
      "team",
      "tenants",
      "usage",
      "users",
    ]);
  });

  it("lists every procedure (a removed or renamed one is a breaking change)", () => {
    expect(Object.keys(appRouter._def.procedures).sort()).toMatchSnapshot();
  });

  it("pins the catalog's inputs and outputs", () => {
    expectTypeOf<In["catalog"]["listProducts"]>().toEqualTypeOf<{
      tenantSlug: string;
      search?: string | undefined;
      status?: Status | undefined;
      categoryId?: string | undefined;
      cursor?: string | null | undefined;
      limit?: number | undefined;
    }>();
    expectTypeOf<In["catalog"]["getProduct"]>().toEqualTypeOf<{ tenantSlug: string; id: string }>();
    expectTypeOf<In["catalog"]["createProduct"]>().toEqualTypeOf<{
      tenantSlug: string;
      name: string;
      price: string | number;
      slug?: string | undefined;
      description?: string | undefined;
      seoTitle?: string | undefined;
      seoDescription?: string | undefined;
      currency?: string | null | undefined;
      status?: Status | undefined;
      categoryId?: string | null | undefined;
      sku?: string | null | undefined;
      stock?: number | null | undefined;
      featured?: boolean | undefined;
    }>();
    expectTypeOf<In["catalog"]["updateProduct"]>().toEqualTypeOf<{
      tenantSlug: string;
      id: string;
      name?: string | undefined;
      slug?: string | undefined;
      description?: string | undefined;
      seoTitle?: string | undefined;
      seoDescription?: string | undefined;
      price?: string | number | undefined;
      currency?: string | null | undefined;
      status?: Status | undefined;
      categoryId?: string | null | undefined;
      sku?: string | null | undefined;
      stock?: number | null | undefined;
      featured?: boolean | undefined;
    }>();
    expectTypeOf<Out["catalog"]["getProduct"]>().toEqualTypeOf<Product>();
    expectTypeOf<Out["catalog"]["createProduct"]>().toEqualTypeOf<Product>();
    expectTypeOf<Out["catalog"]["listProducts"]>().toEqualTypeOf<{ items: ProductListItem[]; nextCursor: string | null }>();
    expectTypeOf<ProductListItem>().toEqualTypeOf<Product & { thumbnailUrl: string | null; categoryName: string | null }>();
  });

  it("pins usage, subscriptions, tenants, storefront and media inputs", () => {
    expectTypeOf<In["usage"]["overview"]>().toEqualTypeOf<{ tenantSlug: string }>();
    expectTypeOf<In["usage"]["statements"]>().toEqualTypeOf<{ tenantSlug: string }>();
    expectTypeOf<In["usage"]["statement"]>().toEqualTypeOf<{ tenantSlug: string; period: string }>();
    expectTypeOf<Out["usage"]["statements"][number]>().toEqualTypeOf<{
      tenantId: string;
      period: string;
      plan: string;
      currency: string;
      total: string;
      events: number;
      runId: string;
      createdAt: Date;
    }>();
    expectTypeOf<In["subscriptions"]["changePlan"]>().toEqualTypeOf<{ tenantSlug: string; plan: "starter" | "pro" | "museum" }>();
    expectTypeOf<In["tenants"]["bySlug"]>().toEqualTypeOf<{ tenantSlug: string }>();
    expectTypeOf<In["storefront"]["analytics"]>().toEqualTypeOf<{ tenantSlug: string; days?: number | undefined }>();
    expectTypeOf<In["media"]["list"]>().toEqualTypeOf<{ tenantSlug: string; productId: string | null }>();
  });

  it("pins who-am-I and the platform's billing runs", () => {
    expectTypeOf<Out["users"]["whoami"]>().toEqualTypeOf<
      { kind: "shop_key"; tenantSlug: string; scopes: Scope[] } | { kind: "platform_key"; scopes: Scope[] } | { kind: "user"; user: PublicUser }
    >();
    expectTypeOf<In["billingRuns"]["start"]>().toEqualTypeOf<{ period: string }>();
    expectTypeOf<Out["billingRuns"]["start"]>().toEqualTypeOf<{ period: string; queued: true }>();
    expectTypeOf<Out["billingRuns"]["list"][number]>().toEqualTypeOf<{
      id: string;
      period: string;
      status: "running" | "succeeded" | "failed";
      trigger: string;
      tenants: number;
      events: number;
      tenantsTotal: number | null;
      eventsTotal: number | null;
      statementLines: number;
      eventsReported: number;
      durationMs: number | null;
      eventsPerSecond: string | null;
      error: string | null;
      startedAt: Date;
      finishedAt: Date | null;
      updatedAt: Date;
    }>();
  });

  it("pins the operator's stats (souk stats)", () => {
    type TenantStatus = "pending" | "provisioning" | "active" | "suspended" | "failed" | "deleted";
    expectTypeOf<Out["admin"]["stats"]["byPlan"][number]>().toEqualTypeOf<{ plan: string; status: TenantStatus; n: number }>();
    expectTypeOf<Out["admin"]["stats"]["mrr"][number]>().toEqualTypeOf<{ currency: string; amount: string; shops: number }>();
    expectTypeOf<Out["admin"]["stats"]["eventsToday"]>().toEqualTypeOf<{ usage: number; stripe: number }>();
    expectTypeOf<Out["admin"]["stats"]["queue"]>().toEqualTypeOf<{ ready: number; running: number; scheduled: number; failed: number; total: number }>();
  });
});
