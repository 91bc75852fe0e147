/**
 * The start of the proxy's 429 answer to the public forms (text/plain). A server action whose
 * request is refused rejects with that text as its message; the forms recognise it by this start
 * and show it as their error (see app/(auth)/use-form-action.ts).
 */
export const TOO_MANY_REQUESTS_MESSAGE = "Too many requests from your network.";

export function isTooManyRequests(error: unknown): error is Error {
  return error instanceof Error && error.message.startsWith(TOO_MANY_REQUESTS_MESSAGE);
}
