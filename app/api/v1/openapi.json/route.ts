import { openApiDocument } from "@/server/api/openapi";
import { env } from "@/server/env";

/** The v1 REST API's OpenAPI document (public, like any API reference). */
export function GET() {
  return Response.json(openApiDocument(env.APP_URL), { headers: { "cache-control": "public, max-age=300" } });
}
