import { openApiDocument } from "@/server/api/openapi";
import { env } from "@/server/env";
import { instrumentRoute } from "@/server/observability/http";

/** The v1 REST API's OpenAPI document (public, like any API reference). */
export const GET = instrumentRoute("/api/v1/openapi.json", () =>
  Response.json(openApiDocument(env.APP_URL), { headers: { "cache-control": "public, max-age=300" } }),
);
