import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/usage/route";
import { GET } from "@/app/api/v1/openapi.json/route";
import { ingestErrorCodes, ingestResultSchema, problemSchema, usageBatchSchema } from "@/server/domain/usage/ingest-schema";
import { metricIds } from "@/server/domain/usage/metrics";
import { makeShopKey } from "@/test/api-keys";
import { makeTenant, makeUser, uniqueSuffix } from "@/test/factories";
import { openApiDocument } from "./openapi";

const post = (body: unknown, key?: string) =>
  POST(new Request("http://localhost/api/v1/usage", { method: "POST", headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) }, body: JSON.stringify(body) }));

describe("GET /api/v1/openapi.json", () => {
  it("serves a valid OpenAPI 3.1 document whose schemas come from the zod contract", async () => {
    const res = await GET(new Request("http://localhost/api/v1/openapi.json"));
    expect(res.status).toBe(200);
    const doc = (await res.json()) as ReturnType<typeof openApiDocument>;
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const schemas = doc.components.schemas as Record<string, { properties: Record<string, { enum?: string[]; maxItems?: number; items?: unknown }> }>;
    expect(Object.keys(schemas).sort()).toEqual(["IngestResult", "Problem", "UsageBatch", "UsageEvent"]);
    expect(schemas.UsageEvent!.properties.metric!.enum).toEqual(metricIds);
    expect(schemas.UsageBatch!.properties.events).toMatchObject({ maxItems: 1000, items: { $ref: "#/components/schemas/UsageEvent" } });
  });

  it("describes what the route really answers: results, per-event error codes and problems", async () => {
    const owner = await makeUser();
    const shop = await makeTenant(owner);
    const { key } = await makeShopKey(shop, owner.id);
    const now = new Date().toISOString();
    const events = [
      { metric: "api_calls", quantity: 2, occurredAt: now, idempotencyKey: `o-${uniqueSuffix()}` },
      { metric: "nope", quantity: 1, occurredAt: now, idempotencyKey: `o-${uniqueSuffix()}` },
      { metric: "api_calls", quantity: "-1", occurredAt: now, idempotencyKey: `o-${uniqueSuffix()}` },
    ];
    // The documented request shape accepts what the route accepts (the invalid metric aside).
    expect(usageBatchSchema.safeParse({ events: [events[0]] }).success).toBe(true);
    expect(usageBatchSchema.safeParse({ events: [events[1]] }).success).toBe(false);
    const res = await post({ events }, key);
    expect(res.status).toBe(200);
    const body = ingestResultSchema.parse(await res.json());
    expect(body).toMatchObject({ accepted: 1, rejected: 2 });
    expect(body.errors.every((e) => ingestErrorCodes.includes(e.code))).toBe(true);

    const refused = await post({ events }, "souk_unknown");
    expect(refused.status).toBe(401);
    expect(problemSchema.parse(await refused.json())).toMatchObject({ status: 401, code: "invalid_key" });
  });
});
