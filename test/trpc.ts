import { TRPCError } from "@trpc/server";

// Kept apart from test/factories.ts, which loads the app (and so the environment):
// files that configure the environment first can import this statically.

/** The tRPC error code a call fails with, or "OK". */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}
