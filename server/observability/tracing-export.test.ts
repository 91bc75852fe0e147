import http from "node:http";
import type { AddressInfo } from "node:net";
import { ProxyTracerProvider, trace } from "@opentelemetry/api";
import { afterAll, describe, expect, it } from "vitest";
import { startTracing } from "./tracing";

/** A stand-in OTLP/HTTP collector: records the paths and bodies it is sent. */
const received: { path: string; body: Buffer }[] = [];
const collector = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    received.push({ path: req.url ?? "", body: Buffer.concat(chunks) });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

const delegate = () => (trace.getTracerProvider() as ProxyTracerProvider).getDelegate().constructor.name;

describe("startTracing", () => {
  it("loads and registers nothing when no exporter is configured", async () => {
    const stop = await startTracing({ tracesExporter: null, OTEL_SERVICE_NAME: undefined }, "souk-test");
    expect(delegate()).toBe("NoopTracerProvider");
    const span = trace.getTracer("t").startSpan("nothing");
    expect(span.isRecording()).toBe(false);
    await stop();
  });

  it("exports spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, with the service name", async () => {
    // The OTLP exporter reads the standard variable itself, as it would in a deployment.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    const stop = await startTracing({ tracesExporter: "otlp", OTEL_SERVICE_NAME: undefined }, "souk-test");
    trace.getTracer("t").startActiveSpan("exported work", (span) => span.end());
    // Shutting down flushes the batch.
    await stop();
    const traces = received.filter((r) => r.path === "/v1/traces");
    expect(traces).toHaveLength(1);
    const body = traces[0]!.body.toString("latin1");
    expect(body).toContain("exported work");
    expect(body).toContain("souk-test");
  });
});
