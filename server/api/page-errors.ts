import "server-only";
import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";

/** For Server Components: a NOT_FOUND from a procedure renders the 404 page. */
export function notFoundOnMissing(error: unknown): never {
  if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
  throw error;
}
