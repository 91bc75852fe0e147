import { problem } from "@/server/api/errors";
import { authenticateRequest, problemFromError, readBodyLimited } from "@/server/api/rest";
import type { ApiPrincipal } from "@/server/domain/api-keys";
import { ingestUsage, MAX_BODY_BYTES } from "@/server/domain/usage/ingest";
import { instrumentRoute } from "@/server/observability/http";
import { withRateLimitHeaders } from "@/server/rate-limit";

/**
 * Batched usage ingestion: up to 1,000 events per request, with a shop key (its own events) or a
 * platform service key (events name their shop), both with the usage:write scope. Answers 200
 * with counts and per-event errors; see GET /api/v1/openapi.json.
 */
// The proxy does not run for this route (see proxy.ts): instrumentRoute sets the request id.
// Authentication reads the database too: a database away answers 503 from there as well.
export const POST = instrumentRoute("/api/v1/usage", (request: Request) => ingest(request).catch(problemFromError));

async function ingest(request: Request): Promise<Response> {
  const caller = await authenticateRequest(request, "usage:write");
  if (caller instanceof Response) return caller;
  return withRateLimitHeaders(await ingestAs(caller.principal, request), caller.rateLimit);
}

async function ingestAs(principal: ApiPrincipal, request: Request): Promise<Response> {
  const text = await readBodyLimited(request, MAX_BODY_BYTES);
  if (text === null) return problem(413, "payload_too_large", `The body is larger than ${MAX_BODY_BYTES} bytes; send at most 1,000 events per request.`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return problem(400, "malformed_json", "The body is not valid JSON.");
  }
  try {
    const result = await ingestUsage(principal, body);
    // A batch's answer is a few dozen bytes unless it lists errors: gzip would cost more CPU (a
    // compressor per response, on both ends) than it saves, so small answers say no-transform,
    // which Next's compression honours.
    return Response.json(result, { headers: { "cache-control": result.errors.length > 20 ? "no-store" : "no-store, no-transform" } });
  } catch (error) {
    return problemFromError(error);
  }
}
