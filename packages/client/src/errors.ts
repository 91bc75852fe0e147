import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "../../../server/api/root";

/** tRPC's codes (NOT_FOUND, BAD_REQUEST, …) or a REST problem's code (invalid_key, payload_too_large, …). */
export type SoukErrorCode = string;

type TrpcErrorData = { code?: string; httpStatus?: number; fieldErrors?: Record<string, string[] | undefined> | null };

/**
 * Every failure the client reports: a server's refusal (with its code, its field errors for a bad
 * input, and the request id that finds the server's log line) or a network failure (`NETWORK_ERROR`).
 * It is a TRPCClientError, so tRPC's own helpers keep working.
 */
export class SoukError extends TRPCClientError<AppRouter> {
  readonly code: SoukErrorCode;
  readonly status: number | null;
  readonly fieldErrors: Record<string, string[]>;
  readonly requestId: string | null;

  constructor(message: string, opts: { code: SoukErrorCode; status: number | null; fieldErrors?: Record<string, string[] | undefined> | null; requestId: string | null; cause?: unknown }) {
    super(message, { cause: opts.cause instanceof Error ? opts.cause : undefined });
    // TRPCClientError's constructor pins its own prototype; restore the subclass's for instanceof.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "SoukError";
    this.code = opts.code;
    this.status = opts.status;
    this.fieldErrors = Object.fromEntries(Object.entries(opts.fieldErrors ?? {}).filter((e): e is [string, string[]] => Array.isArray(e[1])));
    this.requestId = opts.requestId;
  }

  /** For a person reading a terminal: the message, or each field's errors on a line of its own. */
  describe(): string {
    const fields = Object.entries(this.fieldErrors).map(([field, messages]) => `  ${field}: ${messages.join("; ")}`);
    return fields.length ? ["Invalid input:", ...fields].join("\n") : this.message;
  }

  static fromTRPC(error: TRPCClientError<AppRouter>): SoukError {
    if (error instanceof SoukError) return error;
    const data = (error.data ?? {}) as TrpcErrorData;
    const response = (error.meta as { response?: Response } | undefined)?.response;
    const requestId = response?.headers.get("x-request-id") ?? null;
    if (!data.code) {
      return new SoukError(error.message, { code: response ? `HTTP_${response.status}` : "NETWORK_ERROR", status: response?.status ?? null, requestId, cause: error });
    }
    return new SoukError(inputErrorMessage(error.message), { code: data.code, status: data.httpStatus ?? response?.status ?? null, fieldErrors: data.fieldErrors, requestId, cause: error });
  }

  /** A REST route's problem+json answer (RFC 9457) as a SoukError. */
  static async fromResponse(response: Response): Promise<SoukError> {
    const requestId = response.headers.get("x-request-id");
    const body = (await response.json().catch(() => null)) as { code?: string; title?: string; fieldErrors?: Record<string, string[]> } | null;
    return new SoukError(body?.title ?? `HTTP ${response.status}`, { code: body?.code ?? `HTTP_${response.status}`, status: response.status, fieldErrors: body?.fieldErrors, requestId });
  }
}

/**
 * tRPC reports a rejected input with zod's issues as JSON in the message; this says them in one
 * line ("price: Enter a price like 12.500; name: Enter a name") and leaves other messages as they are.
 */
function inputErrorMessage(message: string): string {
  if (!message.startsWith("[")) return message;
  try {
    const issues = JSON.parse(message) as { path?: (string | number)[]; message?: string }[];
    return issues.map((i) => (i.path?.length ? `${i.path.join(".")}: ${i.message}` : String(i.message))).join("; ");
  } catch {
    return message;
  }
}

export function isSoukError(error: unknown): error is SoukError {
  return error instanceof SoukError;
}
