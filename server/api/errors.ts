import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { DatabaseUnavailableError, DATABASE_RETRY_AFTER_SECONDS } from "@/server/db/availability";
import { DatabaseBusyError } from "@/server/db/errors";
import { DomainError, type DomainErrorCode } from "@/server/domain/errors";

/** The one map from domain error codes to API status codes (tRPC and REST alike). */
export const domainErrorStatus: Record<DomainErrorCode, { trpc: TRPC_ERROR_CODE_KEY; http: number }> = {
  bad_request: { trpc: "BAD_REQUEST", http: 400 },
  unauthorized: { trpc: "UNAUTHORIZED", http: 401 },
  forbidden: { trpc: "FORBIDDEN", http: 403 },
  not_found: { trpc: "NOT_FOUND", http: 404 },
  conflict: { trpc: "CONFLICT", http: 409 },
  precondition_failed: { trpc: "PRECONDITION_FAILED", http: 412 },
  limit_reached: { trpc: "PRECONDITION_FAILED", http: 412 },
  rate_limited: { trpc: "TOO_MANY_REQUESTS", http: 429 },
  payload_too_large: { trpc: "PAYLOAD_TOO_LARGE", http: 413 },
  bad_gateway: { trpc: "BAD_GATEWAY", http: 502 },
  unavailable: { trpc: "SERVICE_UNAVAILABLE", http: 503 },
  gateway_timeout: { trpc: "GATEWAY_TIMEOUT", http: 504 },
};

export function toTRPCError(error: unknown): unknown {
  if (error instanceof DomainError) {
    return new TRPCError({ code: domainErrorStatus[error.code].trpc, message: error.message, cause: error });
  }
  // Every pooled connection stayed busy past the acquire timeout: a 503 the client may retry.
  if (error instanceof DatabaseBusyError) {
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The service is busy right now; try again in a moment.", cause: error });
  }
  if (error instanceof DatabaseUnavailableError) {
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: unavailableMessage, cause: error });
  }
  return error;
}

const unavailableMessage = "The service is briefly unavailable; try again in a few seconds.";

/** A problem answer (RFC 9457) with a stable `code`: how the REST routes say what went wrong. */
export function problem(status: number, code: string, title: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return Response.json({ type: `about:blank#${code}`, title, status, code, ...extra }, { status, headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers } });
}

/**
 * The 503 answer of a route handler when the database is away or its pool is exhausted, or
 * null for any other error: both are brief, and a client that honours Retry-After succeeds.
 */
export function serviceUnavailableProblem(error: unknown): Response | null {
  const busy = error instanceof DatabaseBusyError;
  if (!busy && !(error instanceof DatabaseUnavailableError)) return null;
  const title = busy ? "The service is busy right now; try again in a moment." : unavailableMessage;
  return problem(503, "service_unavailable", title, {}, { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) });
}

/**
 * What an unexpected failure answers: never the cause's message (a driver error carries the
 * query and its parameters), only a reference to the log line that holds the detail.
 */
export function internalErrorMessage(requestId: string | null | undefined): string {
  return requestId ? `Something went wrong (reference ${requestId})` : "Something went wrong";
}
