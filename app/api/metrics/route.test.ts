import { afterAll, describe, expect, it } from "vitest";
import { parseExposition } from "@/test/prometheus";
import { startTestS3 } from "@/test/s3";

// The token the scraper holds, set before the app modules read the environment.
const token = "metrics-test-token-0123456789abcdef";
process.env.METRICS_TOKEN = token;
const s3 = await startTestS3();
const { GET } = await import("./route");
const health = await import("../health/route");
afterAll(() => s3.stop());

const scrape = (authorization?: string) => GET(new Request("http://localhost/api/metrics", { headers: authorization ? { authorization } : {} }));

describe("GET /api/metrics", () => {
  it("answers 404 without the token, with a wrong one, or with the token not sent as a bearer", async () => {
    for (const authorization of [undefined, "Bearer wrong-token-0123456789abcdef", `Bearer ${token}x`, token, `Basic ${token}`]) {
      const res = await scrape(authorization);
      expect(res.status, authorization).toBe(404);
      expect(await res.text()).not.toContain("souk_");
    }
  });

  it("serves the registry in Prometheus text format, with the traffic it saw", async () => {
    expect((await health.GET(new Request("http://localhost/api/health"))).status).toBe(200);
    const res = await scrape(`Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const exposition = parseExposition(await res.text());
    expect(exposition.type("souk_http_request_duration_seconds")).toBe("HISTOGRAM");
    expect(exposition.total("souk_http_requests_total", { route: "/api/health", method: "GET", status: "200" })).toBe(1);
    expect(exposition.observed("souk_http_request_duration_seconds")).toBe(true);
    // The 404s above are counted too, under the route's template.
    expect(exposition.total("souk_http_requests_total", { route: "/api/metrics", status: "404" })).toBe(5);
    // The pool's gauges are read at scrape time; nothing holds a connection now.
    expect(exposition.total("souk_db_pool_connections", { pool: "app", state: "in_use" })).toBe(0);
    expect(exposition.total("souk_db_pool_connections", { pool: "app", state: "max" })).toBe(5);
    // Process metrics come with the registry.
    expect(exposition.total("souk_process_cpu_seconds_total")).toBeGreaterThan(0);
  });
});
