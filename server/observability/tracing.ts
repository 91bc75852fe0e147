import type { Env } from "@/server/env";

/**
 * Starts the OpenTelemetry tracing SDK for this process when the environment asks for it:
 * OTLP over HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads the other standard
 * OTEL_EXPORTER_OTLP_* variables itself), or spans printed to stdout with
 * OTEL_TRACES_EXPORTER=console. Otherwise it returns at once and no SDK module is loaded: the
 * spans the code opens through @opentelemetry/api stay no-ops.
 *
 * Registered globally, so Next.js's own spans (it ships a copy of the same API, which finds
 * the global provider) and ours (tRPC procedures, database doors, jobs) form one trace.
 * Returns a function that flushes and stops the SDK.
 */
export async function startTracing(env: Pick<Env, "tracesExporter" | "OTEL_SERVICE_NAME">, defaultServiceName: string): Promise<() => Promise<void>> {
  if (!env.tracesExporter) return async () => {};
  const [{ NodeTracerProvider }, { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor }, { resourceFromAttributes }] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/resources"),
  ]);
  const processor =
    env.tracesExporter === "console"
      ? new SimpleSpanProcessor(new ConsoleSpanExporter())
      : new BatchSpanProcessor(new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter());
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": env.OTEL_SERVICE_NAME ?? defaultServiceName }),
    spanProcessors: [processor],
  });
  provider.register();
  return () => provider.shutdown();
}
