"use server";

import { redirect } from "next/navigation";
import { updateSession } from "@/server/auth";

/**
 * Puts a started impersonation (admin.users.impersonate) into the admin's session cookie. The
 * session callback accepts it only if the row is this admin's and still running.
 */
export async function enterImpersonation(impersonationId: string) {
  await updateSession({ impersonationId });
  redirect("/dashboard");
}
