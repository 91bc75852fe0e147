/**
 * A request id from a header is kept only when it looks like one (at most 64 characters of
 * [A-Za-z0-9._-]); anything else (an arbitrary length, spaces, newlines that would forge log
 * lines, markup) is replaced with a fresh UUID. The id lands in logs, audit rows and answers.
 */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function requestIdFrom(value: string | null | undefined): string {
  return value && REQUEST_ID.test(value) ? value : crypto.randomUUID();
}
