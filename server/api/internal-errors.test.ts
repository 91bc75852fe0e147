import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApiContext, createTRPCRouter, publicProcedure } from "@/server/api/trpc";
import { logger } from "@/server/logger";
import { callOverHttp, errorOf } from "@/test/http";
import { makeTenant, makeUser } from "@/test/factories";
import { withErrorAnswer } from "./route-errors";

afterEach(() => {
  vi.restoreAllMocks();
});

// What a driver error looks like: the query and its parameters, secrets included.
const driverFailure = () => new Error('Failed query: update "users" set "password_hash" = $1 params: hunter2-secret');

describe("internal errors answer a reference, never their detail", () => {
  it("over tRPC: the message is 'Something went wrong (reference <request id>)'; the log has the detail and the id", async () => {
    const logged = vi.spyOn(logger, "error").mockImplementation(() => undefined);
    const router = createTRPCRouter({
      boom: publicProcedure.mutation(() => {
        throw driverFailure();
      }),
    });
    const res = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request("http://localhost/api/trpc/boom", { method: "POST", body: JSON.stringify({ json: null }), headers: { "content-type": "application/json" } }),
      router,
      createContext: () => createApiContext({ userId: null, requestId: "req-7f3a" }),
    });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body).error.json.message).toBe("Something went wrong (reference req-7f3a)");
    expect(body).not.toMatch(/Failed query|hunter2|password_hash/);
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ requestId: "req-7f3a", err: expect.objectContaining({ message: expect.stringContaining("Failed query") }) }), "procedure failed");
  });

  it("in a route handler: 500 with the reference as JSON; the log has the detail", async () => {
    const logged = vi.spyOn(logger, "error").mockImplementation(() => undefined);
    const handler = withErrorAnswer("test", async () => {
      throw driverFailure();
    });
    const res = await handler(new Request("http://localhost/api/x", { headers: { "x-request-id": "req-route-1" } }));
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ error: "Something went wrong (reference req-route-1)", requestId: "req-route-1" });
    expect(body).not.toMatch(/Failed query|hunter2/);
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ requestId: "req-route-1", where: "test" }), "request failed");
  });
});

describe("a NUL byte in a text input is a field error, not a failed query", () => {
  it("profile name", async () => {
    const user = await makeUser("Kept");
    const res = await callOverHttp(user.id, "users.updateProfile", { name: "Evil\u0000Name" }, "mutation", "req-nul-1");
    expect(res.status).toBe(400);
    expect(errorOf(res.body).data.fieldErrors).toEqual({ name: ["Remove the NUL character (\\0) from this text"] });
    expect(JSON.stringify(res.body)).not.toContain("Failed query");
  });

  it("shop settings, catalog names and the shop slug itself", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    const calls: [string, Record<string, unknown>, string][] = [
      ["tenants.updateSettings", { tenantSlug: shop.slug, name: "Shop\u0000" }, "name"],
      ["catalog.createCategory", { tenantSlug: shop.slug, name: "Cat\u0000" }, "name"],
      ["catalog.createProduct", { tenantSlug: shop.slug, name: "P", slug: "p", description: "x\u0000y", price: "1.000", currency: null, status: "draft", categoryId: null, sku: null }, "description"],
      ["tenants.bySlug", { tenantSlug: `${shop.slug}\u0000` }, "tenantSlug"],
    ];
    for (const [path, input, field] of calls) {
      const res = await callOverHttp(owner.id, path, input, path === "tenants.bySlug" ? "query" : "mutation");
      expect(res.status, path).toBe(400);
      expect(errorOf(res.body).data.fieldErrors?.[field], path).toEqual(["Remove the NUL character (\\0) from this text"]);
    }
  });
});
