/**
 * Plain domain errors. The API layer maps the code to a tRPC/HTTP status in one
 * place (server/api/errors.ts); domain code never imports tRPC or Next.js.
 */
export type DomainErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "precondition_failed"
  | "limit_reached"
  | "rate_limited"
  | "payload_too_large"
  /** An outside service answered wrongly or failed (the AI provider's 5xx, a broken stream). */
  | "bad_gateway"
  /** A feature or outside service is off or cannot be reached right now. */
  | "unavailable"
  /** An outside service did not answer in time. */
  | "gateway_timeout";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Field-level messages for forms, keyed by input field name. */
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what = "Not found") => new DomainError("not_found", what);

export function fieldError(field: string, message: string) {
  return new DomainError("bad_request", message, { [field]: [message] });
}

/** PostgreSQL unique_violation on the named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = (error as { cause?: unknown })?.cause ?? error;
  if (typeof e !== "object" || e === null) return false;
  const pg = e as { code?: string; constraint_name?: string };
  return pg.code === "23505" && (constraint === undefined || pg.constraint_name === constraint);
}
