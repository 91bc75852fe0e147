import { execFileSync } from "node:child_process";
import { request as newRequest, type APIRequestContext } from "@playwright/test";
import Stripe from "stripe";
import { parseExposition } from "../test/prometheus";
import { ownerTest as test, expect } from "./fixtures";

/**
 * Metrics through the running servers: traffic of each kind goes to the app, then the app's
 * /api/metrics and the worker's metrics port are scraped with the token and parsed by a
 * Prometheus text parser. Other specs share these servers, so figures are compared with a
 * scrape taken before the traffic.
 */
const token = process.env.METRICS_TOKEN!;
const workerUrl = process.env.WORKER_METRICS_URL!;

async function scrape(request: APIRequestContext, url: string) {
  const res = await request.get(url, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  return parseExposition(await res.text());
}

/** A counter's value, 0 when its family or sample does not exist yet. */
function value(exposition: ReturnType<typeof parseExposition>, name: string, labels: Record<string, string>) {
  return exposition.families.has(name) ? exposition.total(name, labels) : 0;
}

test("the metrics route refuses without the token and, with it, shows the traffic the app and the worker served", async ({ page, shop, request }) => {
  for (const authorization of [undefined, "Bearer wrong-token-0123456789abcdef", token]) {
    const res = await request.get("/api/metrics", { headers: authorization ? { authorization } : {} });
    expect(res.status(), String(authorization)).toBe(404);
    expect(await res.text()).not.toContain("souk_");
  }
  const webBefore = await scrape(request, "/api/metrics");
  const workerBefore = await scrape(request, workerUrl);

  // 1. Plain route handlers, a signed-in tRPC query, and one refused for want of a session.
  expect((await request.get("/api/health")).status()).toBe(200);
  expect((await page.request.get("/api/trpc/tenants.listMine")).status()).toBe(200);
  // A context of its own, with the owner's session cookie explicitly left out (it would inherit it).
  const anonymous = await newRequest.newContext({ baseURL: test.info().project.use.baseURL, storageState: { cookies: [], origins: [] } });
  expect((await anonymous.get("/api/trpc/tenants.listMine")).status()).toBe(401);
  await anonymous.dispose();

  // 2. Usage ingestion: one accepted, one duplicate, one rejected, with a platform key from the CLI
  //    (the shop's own API keys page is the usage spec's to start empty).
  const cli = execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/souk.ts", "keys", "create", "--platform", "--name", "E2E metrics", "--scopes", "usage:write", "--json"], {
    encoding: "utf8",
  });
  const { key } = JSON.parse(cli) as { key: string };
  expect(key).toMatch(/^souk_/);
  const occurredAt = new Date().toISOString();
  const idempotencyKey = `metrics-${Date.now()}`;
  const event = { shop: shop.slug, metric: "storefront_visits", quantity: 1, occurredAt, idempotencyKey };
  const ingest = (events: unknown[]) => request.post("/api/v1/usage", { headers: { authorization: `Bearer ${key}` }, data: { events } });
  expect(await (await ingest([event])).json()).toMatchObject({ accepted: 1 });
  expect(await (await ingest([event, { ...event, metric: "no_such_metric", idempotencyKey: `${idempotencyKey}-x` }])).json()).toMatchObject({ accepted: 0, duplicate: 1, rejected: 1 });

  // 3. Stripe webhooks: a forged one, and a signed event of a type Souk ignores (the worker processes it).
  const payload = JSON.stringify({ id: `evt_metrics_${Date.now()}`, object: "event", type: "metrics.probe", created: Math.floor(Date.now() / 1000), data: { object: {} } });
  const forged = await request.post("/api/webhooks/stripe", { headers: { "stripe-signature": "t=1,v1=forged", "content-type": "application/json" }, data: payload });
  expect(forged.status()).toBe(400);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: process.env.STRIPE_WEBHOOK_SECRET! });
  const signed = await request.post("/api/webhooks/stripe", { headers: { "stripe-signature": signature, "content-type": "application/json" }, data: payload });
  expect(signed.status()).toBe(200);
  expect(signed.headers()["x-request-id"]).toBeTruthy();

  const web = await scrape(request, "/api/metrics");
  const delta = (name: string, labels: Record<string, string>) => value(web, name, labels) - value(webBefore, name, labels);
  expect(delta("souk_http_requests_total", { route: "/api/health", method: "GET", status: "200" })).toBeGreaterThanOrEqual(1);
  expect(delta("souk_http_requests_total", { route: "/api/trpc/[trpc]", method: "GET", status: "401" })).toBeGreaterThanOrEqual(1);
  expect(delta("souk_http_requests_total", { route: "/api/v1/usage", method: "POST", status: "200" })).toBeGreaterThanOrEqual(2);
  expect(delta("souk_http_requests_total", { route: "/api/webhooks/stripe", method: "POST", status: "400" })).toBeGreaterThanOrEqual(1);
  expect(web.type("souk_http_request_duration_seconds")).toBe("HISTOGRAM");
  expect(web.observed("souk_http_request_duration_seconds")).toBe(true);
  // Routes are templates, never raw paths.
  for (const labels of web.labelSets("souk_http_requests_total")) expect(labels.route).not.toMatch(/tenants\.listMine|\?/);
  expect(delta("souk_trpc_procedure_errors_total", { procedure: "tenants.listMine", code: "UNAUTHORIZED" })).toBeGreaterThanOrEqual(1);
  expect(delta("souk_usage_ingested_events_total", { outcome: "accepted" })).toBeGreaterThanOrEqual(1);
  expect(delta("souk_usage_ingested_events_total", { outcome: "duplicate" })).toBeGreaterThanOrEqual(1);
  expect(delta("souk_usage_ingested_events_total", { outcome: "rejected" })).toBeGreaterThanOrEqual(1);
  expect(delta("souk_stripe_events_total", { stage: "received", status: "invalid_signature" })).toBeGreaterThanOrEqual(1);
  expect(delta("souk_stripe_events_total", { stage: "received", status: "stored" })).toBeGreaterThanOrEqual(1);
  expect(web.total("souk_db_pool_connections", { pool: "app", state: "max" })).toBeGreaterThan(0);
  expect(web.total("souk_process_cpu_seconds_total")).toBeGreaterThan(0);

  // The worker picks the event up on its own schedule: poll its metrics until it has.
  await expect
    .poll(async () => {
      const worker = await scrape(request, workerUrl);
      return value(worker, "souk_stripe_events_total", { stage: "processed", status: "ignored" }) - value(workerBefore, "souk_stripe_events_total", { stage: "processed", status: "ignored" });
    })
    .toBeGreaterThanOrEqual(1);
  const worker = await scrape(request, workerUrl);
  expect(worker.observed("souk_job_duration_seconds")).toBe(true);
  expect(worker.observed("souk_job_queue_delay_seconds")).toBe(true);
  expect(worker.type("souk_job_queue_depth")).toBe("GAUGE");
  expect(worker.total("souk_db_pool_connections", { pool: "app", state: "max" })).toBeGreaterThan(0);
});
