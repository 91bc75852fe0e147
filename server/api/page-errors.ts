import "server-only";
import { TRPCError } from "@trpc/server";
import { notFound, redirect } from "next/navigation";

/**
 * For Server Components calling procedures: NOT_FOUND renders the 404 page and
 * UNAUTHORIZED (e.g. a page rendering while its layout signs the user out)
 * goes to sign-in; anything else reaches the error boundary.
 */
export function rethrowForPage(error: unknown): never {
  if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
  if (error instanceof TRPCError && error.code === "UNAUTHORIZED") redirect("/sign-in");
  throw error;
}

/** For console pages: FORBIDDEN is the 404 page too, so the console is not advertised. */
export function rethrowForAdminPage(error: unknown): never {
  if (error instanceof TRPCError && error.code === "FORBIDDEN") notFound();
  return rethrowForPage(error);
}
