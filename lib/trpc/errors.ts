import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@/server/api/root";

/** Field messages from a BAD_REQUEST (zod or domain), keyed by field name. */
export function fieldErrorsOf(error: unknown): Record<string, string | undefined> {
  if (!(error instanceof TRPCClientError)) return {};
  const data = (error as TRPCClientError<AppRouter>).data;
  const fields = data?.fieldErrors ?? {};
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v[0] : undefined]));
}

export function messageOf(error: unknown): string {
  if (error instanceof TRPCClientError) {
    if (Object.keys(fieldErrorsOf(error)).length > 0) return "Please fix the highlighted fields.";
    return error.message;
  }
  return "Something went wrong. Please try again.";
}
