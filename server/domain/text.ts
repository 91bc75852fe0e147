import { z } from "zod";

export const NUL_MESSAGE = "Remove the NUL character (\\0) from this text";

/**
 * The string schema every text input starts from. PostgreSQL text cannot hold a NUL byte:
 * one reaching a query fails it with an internal error, so it is refused here, as a field
 * error on the field that carried it. (server/domain/text.test.ts checks that no input
 * schema uses z.string() directly.)
 */
export function text() {
  return z.string().regex(/^[^\u0000]*$/, NUL_MESSAGE);
}
