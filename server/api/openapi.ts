import { z } from "zod";
import { apiKeyScopes } from "@/server/domain/api-keys";
import { ingestResultSchema, MAX_BODY_BYTES, MAX_EVENTS_PER_BATCH, problemSchema, usageBatchSchema, usageEventSchema } from "@/server/domain/usage/ingest-schema";

/** The named schemas, generated from the zod schemas of the REST contract (JSON Schema 2020-12, as OpenAPI 3.1 uses). */
function componentSchemas(): Record<string, Record<string, unknown>> {
  const registry = z.registry<{ id: string }>();
  registry.add(usageEventSchema, { id: "UsageEvent" });
  registry.add(usageBatchSchema, { id: "UsageBatch" });
  registry.add(ingestResultSchema, { id: "IngestResult" });
  registry.add(problemSchema, { id: "Problem" });
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}` });
  // Each schema sits inside the document: its own $schema and $id would only confuse resolvers.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]));
}

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
      schemas: componentSchemas(),
    },
  };
}
