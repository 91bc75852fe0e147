import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z } from "zod";
import { requestIdFrom } from "@/lib/request-id";
import { aiDraftInput, startAiDraft, type AiDraftChunk, type AiDraftDeps } from "@/server/domain/ai-writing";
import { DomainError } from "@/server/domain/errors";
import { text } from "@/server/domain/text";
import { domainErrorStatus } from "./errors";
import { readBodyLimited } from "./rest";
import { reportInternalError } from "./route-errors";
import { checkTenantCaller, createApiContext } from "./trpc";

/**
 * POST /api/ai/draft: the catalog editor's AI writing help, streamed. A route handler rather
 * than a tRPC procedure because the answer is a stream; the tenant is checked by the same
 * function the tenant procedures use (member or above, not on an ended trial or a suspended
 * shop), and the domain checks the product, the quota and the limits.
 *
 * Failures before the first byte answer a JSON error with its status (400, 401, 404, 409, 412,
 * 429, 502, 503, 504). After that the body is newline-delimited JSON: `{"text": "…"}` lines,
 * then `{"done": true, "tokens": n}`, or `{"error": "…"}` when the provider fails midway.
 */
const bodySchema = aiDraftInput.extend({ tenantSlug: text().min(1).max(63) });

/** The notes (2,000 characters) and a few ids, with room to spare. */
const MAX_BODY_BYTES = 32 * 1024;

function fail(status: number, error: string, requestId: string, extra: Record<string, unknown> = {}) {
  return Response.json({ error, ...extra }, { status, headers: { "cache-control": "no-store", "x-request-id": requestId } });
}

export async function handleAiDraft(req: Request, userId: string | null, deps: AiDraftDeps): Promise<Response> {
  const requestId = requestIdFrom(req.headers.get("x-request-id"));
  // A JSON content type cannot be sent cross-site without a CORS preflight, which this route never grants.
  if (!req.headers.get("content-type")?.startsWith("application/json")) return fail(415, "Send the request as application/json.", requestId);
  if (!userId) return fail(401, "Sign in to continue", requestId);
  const raw = await readBodyLimited(req, MAX_BODY_BYTES);
  if (raw === null) return fail(413, "The request is too large.", requestId);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return fail(400, "The body is not valid JSON.", requestId);
  }
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) return fail(400, "Check the request's fields.", requestId, { fieldErrors: z.flattenError(parsed.error).fieldErrors });
  const { tenantSlug, ...input } = parsed.data;

  const abort = new AbortController();
  let stream: AsyncGenerator<AiDraftChunk, void, undefined>;
  try {
    const { tenantScope } = await checkTenantCaller(createApiContext({ userId, requestId }), tenantSlug, true, { minRole: "member" });
    stream = await startAiDraft(tenantScope, input, deps, abort.signal);
  } catch (error) {
    if (error instanceof DomainError) return fail(domainErrorStatus[error.code].http, error.message, requestId, { code: error.code });
    if (error instanceof TRPCError) return fail(getHTTPStatusCodeFromError(error), error.message, requestId);
    return fail(500, reportInternalError(error, requestId, "ai-draft"), requestId);
  }

  const encoder = new TextEncoder();
  const line = (value: unknown) => encoder.encode(`${JSON.stringify(value)}\n`);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await stream.next();
        if (next.done) return controller.close();
        const chunk = next.value;
        controller.enqueue(line(chunk.type === "text" ? { text: chunk.text } : { done: true, tokens: chunk.tokens }));
      } catch (error) {
        const message = error instanceof DomainError ? error.message : reportInternalError(error, requestId, "ai-draft stream");
        controller.enqueue(line({ error: message }));
        controller.close();
      }
    },
    // The browser went away: stop the provider call (the slot is freed; an unfinished call is not metered).
    async cancel() {
      abort.abort();
      await stream.return(undefined);
    },
  });
  return new Response(body, {
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store, no-transform", "x-request-id": requestId, "x-accel-buffering": "no" },
  });
}
