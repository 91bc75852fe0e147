import { apiKeyScopes } from "@/server/domain/api-keys";
import { MAX_BODY_BYTES, MAX_EVENTS_PER_BATCH } from "@/server/domain/usage/ingest";
import { metricIds } from "@/server/domain/usage/metrics";

const problemResponse = (description: string) => ({ description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } });

/** OpenAPI 3.1 description of the v1 REST routes, built from the same constants the routes use. */
export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: { title: "Souk API", version: "1", description: "Machine API. Authenticate with `Authorization: Bearer souk_…` (a shop key or a platform service key)." },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths: {
      "/api/v1/usage": {
        post: {
          operationId: "ingestUsage",
          summary: `Record a batch of up to ${MAX_EVENTS_PER_BATCH} usage events`,
          description:
            "Needs the `usage:write` scope. A shop key records its own shop's events (`shop` may be omitted); a platform service key names each event's shop by slug or id. " +
            "Valid events are stored and invalid ones reported per event. An idempotency key counts once per shop: a replay answers `duplicate`. " +
            "Events more than 5 minutes in the future, older than the retention window or in a month already billed are refused.",
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/UsageBatch" } } } },
          responses: {
            "200": { description: "Counts and per-event errors", content: { "application/json": { schema: { $ref: "#/components/schemas/IngestResult" } } } },
            "400": problemResponse("Malformed JSON or no `events` array"),
            "401": problemResponse("Missing, unknown, revoked or expired key (code missing_key, invalid_key, revoked_key, expired_key)"),
            "403": problemResponse("Key without the usage:write scope (code insufficient_scope)"),
            "413": problemResponse(`Body over ${MAX_BODY_BYTES} bytes or more than ${MAX_EVENTS_PER_BATCH} events (code payload_too_large)`),
          },
        },
      },
      "/api/v1/openapi.json": { get: { operationId: "openApi", summary: "This document", security: [], responses: { "200": { description: "OpenAPI 3.1 document" } } } },
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: `Scopes: ${apiKeyScopes.join(", ")}` } },
      schemas: {
        UsageEvent: {
          type: "object",
          required: ["metric", "quantity", "occurredAt", "idempotencyKey"],
          properties: {
            shop: { type: "string", description: "Shop slug or id (platform keys; a shop key may only name its own shop)" },
            metric: { type: "string", enum: metricIds },
            quantity: { oneOf: [{ type: "string", pattern: "^\\d{1,14}(\\.\\d{1,6})?$" }, { type: "number", minimum: 0 }], description: "Exact decimal; whole numbers for counted metrics" },
            occurredAt: { type: "string", format: "date-time" },
            idempotencyKey: { type: "string", minLength: 1, maxLength: 200 },
          },
        },
        UsageBatch: { type: "object", required: ["events"], properties: { events: { type: "array", minItems: 1, maxItems: MAX_EVENTS_PER_BATCH, items: { $ref: "#/components/schemas/UsageEvent" } } } },
        IngestResult: {
          type: "object",
          required: ["accepted", "duplicate", "rejected", "errors"],
          properties: {
            accepted: { type: "integer" },
            duplicate: { type: "integer" },
            rejected: { type: "integer" },
            errors: {
              type: "array",
              items: {
                type: "object",
                required: ["index", "code", "message"],
                properties: {
                  index: { type: "integer", description: "Position in `events`" },
                  idempotencyKey: { type: ["string", "null"] },
                  code: { type: "string", enum: ["invalid_event", "invalid_idempotency_key", "unknown_metric", "invalid_quantity", "negative_quantity", "invalid_time", "unknown_shop", "forbidden_shop", "future_time", "too_old", "period_closed"] },
                  message: { type: "string" },
                },
              },
            },
          },
        },
        Problem: {
          type: "object",
          required: ["status", "code", "title"],
          properties: { type: { type: "string" }, title: { type: "string" }, status: { type: "integer" }, code: { type: "string" }, fieldErrors: { type: "object" } },
        },
      },
    },
  };
}
