import http from "node:http";
import type { AddressInfo } from "node:net";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "@/server/api/root";
import { contextFromHeaders } from "@/server/api/request-context";
import { POST as postUsage } from "@/app/api/v1/usage/route";
import { withTenant } from "@/server/db/tenancy";
import { createProduct } from "@/server/domain/catalog";
import type { Tenant } from "@/server/db/schema";
import { makeShopKey } from "@/test/api-keys";
import { makeTenant, makeUser } from "@/test/factories";
import { createSoukClient, SoukError } from "./index";
import { retryDelayMs } from "./retry";

/**
 * The client over real HTTP against the app's own tRPC handler and usage route (no Next.js
 * build needed; e2e/client-cli.spec.ts runs the packed package against `next start`). The
 * server can be told to refuse the next requests with 429 or 503, to see the retries.
 */
let server: http.Server;
let url: string;
let refuse: { status: number; count: number; retryAfter: string | null } = { status: 200, count: 0, retryAfter: null };
let requests = 0;
let shop: Tenant;
let other: Tenant;
let key: string;
let otherProductId: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        requests++;
        const requestId = crypto.randomUUID();
        if (refuse.count > 0) {
          refuse.count--;
          res.writeHead(refuse.status, { "content-type": "application/json", "x-request-id": requestId, ...(refuse.retryAfter !== null ? { "retry-after": refuse.retryAfter } : {}) });
          return res.end(JSON.stringify({ code: "rate_limited", title: "Slow down" }));
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
        headers.set("x-request-id", requestId);
        const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body: req.method === "GET" ? undefined : Buffer.concat(chunks) });
        const response = req.url!.startsWith("/api/v1/usage")
          ? await postUsage(request)
          : await fetchRequestHandler({ endpoint: "/api/trpc", req: request, router: appRouter, createContext: () => contextFromHeaders(headers, async () => null) });
        res.writeHead(response.status, { ...Object.fromEntries(response.headers), "x-request-id": requestId });
        res.end(Buffer.from(await response.arrayBuffer()));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const owner = await makeUser("Client owner");
  shop = await makeTenant(owner, "Client shop");
  other = await makeTenant(await makeUser("Other owner"), "Other client shop");
  key = (await makeShopKey(shop, owner.id, ["catalog:write", "usage:write"])).key;
  otherProductId = (await withTenant(other.id, (tx) => createProduct({ tx, tenantId: other.id, role: "owner", userId: null }, { name: "Not yours", price: "1", currency: null, description: "", seoTitle: "", seoDescription: "", status: "draft", categoryId: null, sku: null, stock: null, featured: false }))).id;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a SoukError");
    },
    (error: unknown) => error as SoukError,
  );

describe("createSoukClient", () => {
  it("lists, creates and reads back products, ingests usage, and says who it is", async () => {
    const souk = createSoukClient({ url, apiKey: key });
    expect(await souk.users.whoami.query()).toEqual({ kind: "shop_key", tenantSlug: shop.slug, scopes: ["catalog:write", "usage:write"] });
    expect((await souk.catalog.listProducts.query({ tenantSlug: shop.slug })).items).toEqual([]);
    const created = await souk.catalog.createProduct.mutate({ tenantSlug: shop.slug, name: "Brass lamp", price: "12.500", currency: "KWD" });
    const read = await souk.catalog.getProduct.query({ tenantSlug: shop.slug, id: created.id });
    expect(read).toMatchObject({ id: created.id, name: "Brass lamp", price: "12.500", currency: "KWD", status: "draft" });
    expect(read.createdAt).toBeInstanceOf(Date); // superjson keeps dates
    const result = await souk.ingestUsage([{ metric: "api_calls", quantity: 3, occurredAt: new Date(), idempotencyKey: `client-${created.id}` }]);
    expect(result).toEqual({ accepted: 1, duplicate: 0, rejected: 0, errors: [] });
  });

  it("batches calls made together into one HTTP request", async () => {
    const souk = createSoukClient({ url, apiKey: key });
    const before = requests;
    await Promise.all([souk.users.whoami.query(), souk.catalog.listProducts.query({ tenantSlug: shop.slug }), souk.usage.overview.query({ tenantSlug: shop.slug })]);
    expect(requests - before).toBe(1);
  });

  it("throws a typed NOT_FOUND for another shop's product, with the request id", async () => {
    const souk = createSoukClient({ url, apiKey: key });
    const error = await caught(souk.catalog.getProduct.query({ tenantSlug: shop.slug, id: otherProductId }));
    expect(error).toBeInstanceOf(SoukError);
    expect({ code: error.code, status: error.status, message: error.message }).toEqual({ code: "NOT_FOUND", status: 404, message: "Product not found" });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // Naming the other shop is NOT_FOUND too: a key never learns another shop exists.
    expect((await caught(souk.catalog.listProducts.query({ tenantSlug: other.slug }))).code).toBe("NOT_FOUND");
  });

  it("reports a bad input's field errors and an unknown key as UNAUTHORIZED", async () => {
    const souk = createSoukClient({ url, apiKey: key });
    const error = await caught(souk.catalog.createProduct.mutate({ tenantSlug: shop.slug, name: "", price: "cheap" }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.fieldErrors).toEqual({ name: ["Enter a name"], price: ["Enter a price like 12.500"] });
    expect(error.message).toBe("name: Enter a name; price: Enter a price like 12.500");
    const unknown = await caught(createSoukClient({ url, apiKey: "souk_nope" }).users.whoami.query());
    expect({ code: unknown.code, status: unknown.status }).toEqual({ code: "UNAUTHORIZED", status: 401 });
    const rest = await caught(createSoukClient({ url, apiKey: "souk_nope" }).ingestUsage([]));
    expect({ code: rest.code, status: rest.status }).toEqual({ code: "invalid_key", status: 401 });
  });

  it("retries 429 and 503 answers, honouring Retry-After, then succeeds", async () => {
    const souk = createSoukClient({ url, apiKey: key, retry: { retries: 3 } });
    refuse = { status: 429, count: 2, retryAfter: "0" };
    let before = requests;
    expect((await souk.users.whoami.query()).kind).toBe("shop_key");
    expect(requests - before).toBe(3);
    refuse = { status: 503, count: 1, retryAfter: null };
    before = requests;
    expect((await souk.ingestUsage([{ metric: "api_calls", quantity: 1, occurredAt: new Date(), idempotencyKey: "retried-503" }])).accepted).toBe(1);
    expect(requests - before).toBe(2);
  });

  it("gives up after its retries with the last answer as a SoukError", async () => {
    const souk = createSoukClient({ url, apiKey: key, retry: { retries: 1, baseDelayMs: 1 } });
    refuse = { status: 429, count: 5, retryAfter: null };
    const before = requests;
    const error = await caught(souk.catalog.listProducts.query({ tenantSlug: shop.slug }));
    expect(requests - before).toBe(2);
    expect({ status: error.status, requestId: typeof error.requestId }).toEqual({ status: 429, requestId: "string" });
    refuse = { status: 200, count: 0, retryAfter: null };
  });

  it("waits what Retry-After says (seconds or a date), else backs off exponentially within its cap", () => {
    const opts = { retries: 3, baseDelayMs: 100, maxDelayMs: 5_000 };
    const now = Date.parse("2026-12-01T00:00:00Z");
    expect(retryDelayMs("2", 0, opts, now)).toBe(2_000);
    expect(retryDelayMs("Tue, 01 Dec 2026 00:00:03 GMT", 0, opts, now)).toBe(3_000);
    expect(retryDelayMs("120", 0, opts, now)).toBe(5_000);
    const third = retryDelayMs(null, 2, opts, now);
    expect(third).toBeGreaterThanOrEqual(200);
    expect(third).toBeLessThanOrEqual(400);
  });
});
