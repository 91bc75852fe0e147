"use server";

import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { requestIdFrom } from "@/lib/request-id";
import { reportInternalError } from "@/server/api/route-errors";
import { signIn, signOut } from "@/server/auth";
import { DomainError } from "@/server/domain/errors";
import { acceptInvitationWithNewAccount, acceptWithNewAccountInput } from "@/server/domain/team";
import type { FormState } from "../actions";

function field(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

/**
 * An invitee without an account: creates it with the invited address, joins the shop (one
 * transaction), then signs in and opens the shop's dashboard.
 */
export async function acceptWithNewAccountAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = { name: field(formData, "name") };
  const parsed = acceptWithNewAccountInput.safeParse({ token: field(formData, "token"), name: values.name, password: field(formData, "password") });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  const requestId = requestIdFrom((await headers()).get("x-request-id"));
  try {
    let joined;
    try {
      joined = await acceptInvitationWithNewAccount({ requestId }, parsed.data);
    } catch (error) {
      if (error instanceof DomainError) return { error: error.message, fieldErrors: error.fieldErrors, values };
      throw error;
    }
    await signIn("credentials", { email: joined.email, password: parsed.data.password, redirectTo: `/dashboard/${joined.slug}` });
    return { ok: true };
  } catch (error) {
    unstable_rethrow(error); // Next.js' redirect signal on success
    return { error: reportInternalError(error, requestId, "accept-invitation"), values };
  }
}

/** Signed in with another address: sign out and come back to the invitation. */
export async function signOutToInvitationAction(formData: FormData) {
  const token = field(formData, "token");
  await signOut({ redirectTo: `/invite?token=${encodeURIComponent(token)}` });
}
