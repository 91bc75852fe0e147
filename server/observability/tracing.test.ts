import { Writable } from "node:stream";
import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeEach, describe, expect, it } from "vitest";

// Tracing on for this file's process, before the app modules read the environment (the database
// client then records each statement on the active span). Spans go to memory, not stdout.
process.env.OTEL_TRACES_EXPORTER = "console";
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
afterAll(() => provider.shutdown());

const { callOverHttp } = await import("@/test/http");
const { makeTenant, makeUser } = await import("@/test/factories");
const { createLogger } = await import("@/server/logger");
const { runWithRequestContext } = await import("./request-context");

beforeEach(() => exporter.reset());

function captureLog() {
  const lines: string[] = [];
  const log = createLogger(new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }));
  log.level = "info";
  return { log, lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("traces", () => {
  it("a tRPC call is a span, and its database door a child span carrying the statements", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    exporter.reset();
    const res = await callOverHttp(owner.id, "catalog.listCategories", { tenantSlug: shop.slug }, "query", "trace-req-1");
    expect(res.status).toBe(200);

    const spans = exporter.getFinishedSpans();
    const procedure = spans.find((s) => s.name === "trpc query catalog.listCategories");
    expect(procedure?.attributes["rpc.method"]).toBe("catalog.listCategories");
    const doors = spans.filter((s) => s.name === "db withTenant" && s.parentSpanContext?.spanId === procedure!.spanContext().spanId);
    expect(doors.length).toBeGreaterThan(0);
    expect(doors[0]!.attributes["souk.tenant_id"]).toBe(shop.id);
    expect(doors[0]!.spanContext().traceId).toBe(procedure!.spanContext().traceId);
    const statements = doors.flatMap((d) => d.events.filter((e) => e.name === "db.query").map((e) => String(e.attributes?.["db.statement"])));
    expect(statements.some((q) => /from "categories"/.test(q))).toBe(true);
    // Statements only: never their parameters (the tenant id is one).
    expect(statements.join("\n")).not.toContain(shop.id);
  });

  it("a failed call counts as an error on its span's procedure, with its code", async () => {
    const res = await callOverHttp(null, "catalog.listCategories", { tenantSlug: "nowhere" }, "query");
    expect(res.status).toBe(401);
    const span = exporter.getFinishedSpans().find((s) => s.name === "trpc query catalog.listCategories");
    expect(span?.attributes["rpc.trpc.error_code"]).toBe("UNAUTHORIZED");
  });
});

describe("log lines", () => {
  it("carry the request id of the request they belong to, and the trace and span ids when traced", async () => {
    const { log, lines } = captureLog();
    log.info("outside");
    runWithRequestContext({ requestId: "req-abc" }, () => {
      log.info("in a request");
      trace.getTracer("test").startActiveSpan("work", (span) => {
        log.info("in a span");
        span.end();
      });
    });
    // A field the call passes itself wins over the context's.
    runWithRequestContext({ requestId: "req-abc" }, () => log.info({ requestId: "explicit" }, "explicit"));
    const [outside, inRequest, inSpan, explicit] = lines();
    expect(outside).not.toHaveProperty("requestId");
    expect(outside).not.toHaveProperty("traceId");
    expect(inRequest).toMatchObject({ requestId: "req-abc", msg: "in a request" });
    expect(inRequest).not.toHaveProperty("traceId");
    const span = exporter.getFinishedSpans().find((s) => s.name === "work")!;
    expect(inSpan).toMatchObject({ requestId: "req-abc", traceId: span.spanContext().traceId, spanId: span.spanContext().spanId });
    expect(explicit!.requestId).toBe("explicit");
  });

  it("of a request through a route handler carry its id from the x-request-id header", async () => {
    const { instrumentRoute } = await import("./http");
    const { log, lines } = captureLog();
    const handler = instrumentRoute("/test", async () => {
      log.info("handling");
      await new Promise((r) => setTimeout(r, 5));
      log.info("still handling");
      return new Response("ok");
    });
    const res = await handler(new Request("http://localhost/test", { headers: { "x-request-id": "req-from-proxy" } }));
    expect(res.headers.get("x-request-id")).toBe("req-from-proxy");
    expect(lines().map((l) => l.requestId)).toEqual(["req-from-proxy", "req-from-proxy"]);
    // An id that does not look like one (markup, spaces) is replaced with a fresh one.
    const forged = await handler(new Request("http://localhost/test", { headers: { "x-request-id": "<script> x" } }));
    expect(forged.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
