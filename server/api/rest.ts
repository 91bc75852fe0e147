import { authenticateApiKeyCached, apiKeyFailureMessage, bearerToken, hasScope, type ApiKeyScope, type ApiPrincipal } from "@/server/domain/api-keys";
import { DomainError } from "@/server/domain/errors";
import { limitApiKey, retryMessage, withRateLimitHeaders, type RateLimitDecision } from "@/server/rate-limit";
import { countApiCall } from "@/server/usage/api-call-meter";
import { domainErrorStatus, problem, serviceUnavailableProblem } from "./errors";

/**
 * Helpers for the machine REST routes (/api/v1/*): a thrown error as a problem answer (RFC 9457,
 * see `problem` in ./errors), and bearer-key authentication with a required scope. Route
 * handlers stay thin.
 */
export function problemFromError(error: unknown): Response {
  if (error instanceof DomainError) {
    return problem(domainErrorStatus[error.code].http, error.code, error.message, error.fieldErrors ? { fieldErrors: error.fieldErrors } : {});
  }
  const unavailable = serviceUnavailableProblem(error);
  if (unavailable) return unavailable;
  throw error;
}

/** A request's authenticated key and the rate-limit count it took (its headers go on the answer). */
export type AuthenticatedRequest = { principal: ApiPrincipal; rateLimit: RateLimitDecision };

/**
 * The caller's key, checked for `scope`: 401 for a missing, unknown, revoked or expired key,
 * 429 once the key is over its rate limit (per key, by its shop's plan), 403 for a key without
 * the scope. A shop key's call is counted as that shop's api_calls usage.
 */
export async function authenticateRequest(request: Request, scope: ApiKeyScope): Promise<AuthenticatedRequest | Response> {
  // Cached for a few seconds (API_KEY_CACHE_TTL_MS): a revocation takes effect within that bound.
  const result = await authenticateApiKeyCached(bearerToken(request.headers.get("authorization")));
  if (!result.ok) {
    const response = problem(401, result.failure, apiKeyFailureMessage[result.failure]);
    response.headers.set("www-authenticate", 'Bearer realm="souk"');
    return response;
  }
  const rateLimit = await limitApiKey(result.principal);
  if (!rateLimit.allowed) {
    const limit = `${rateLimit.policy.limit.toLocaleString("en")} requests per ${rateLimit.policy.windowSeconds} seconds`;
    return withRateLimitHeaders(problem(429, "rate_limited", `This API key is over its limit of ${limit}. ${retryMessage(rateLimit.resetSeconds)}`), rateLimit);
  }
  if (result.principal.tenantId) countApiCall(result.principal.tenantId);
  if (!hasScope(result.principal, scope)) return withRateLimitHeaders(problem(403, "insufficient_scope", `This needs an API key with the ${scope} scope.`), rateLimit);
  return { principal: result.principal, rateLimit };
}

/** The body as text, or null once it passes `maxBytes` (read no further: a huge body costs no memory). */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<string | null> {
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
