"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { RateLimitedSignIn, signIn, signOut } from "@/server/auth";
import { requestIdFrom } from "@/lib/request-id";
import { safeRedirectPath } from "@/lib/redirect-target";
import { reportInternalError } from "@/server/api/route-errors";
import { clientKey } from "@/server/client-ip";
import { DomainError } from "@/server/domain/errors";
import { env } from "@/server/env";
import { requestPasswordReset, resetPassword, resetPasswordInput, signUp, signUpInput, emailInput } from "@/server/domain/users";

export type FormState = { error?: string; fieldErrors?: Record<string, string[] | undefined>; ok?: boolean; values?: Record<string, string> };

async function requestId() {
  return requestIdFrom((await headers()).get("x-request-id"));
}

/**
 * Runs an action's work; an unexpected failure becomes a form error carrying only a
 * reference (the detail is logged under it). Next.js's redirect and not-found signals pass.
 */
async function guarded(where: string, values: Record<string, string> | undefined, work: () => Promise<FormState>): Promise<FormState> {
  try {
    return await work();
  } catch (error) {
    unstable_rethrow(error);
    return { error: reportInternalError(error, await requestId(), where), values };
  }
}

function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

export async function signInAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const email = text(formData, "email");
  return guarded("sign-in", { email }, () => signInWith(email, formData));
}

async function signInWith(email: string, formData: FormData): Promise<FormState> {
  try {
    await signIn("credentials", {
      email,
      password: text(formData, "password"),
      redirectTo: safeRedirectPath(formData.get("callbackUrl"), env.APP_URL),
    });
    return { ok: true };
  } catch (error) {
    if (error instanceof RateLimitedSignIn || (error instanceof AuthError && (error as { code?: string }).code === "rate_limited")) {
      return { error: "Too many failed sign-in attempts. Wait 15 minutes, or reset your password.", values: { email } };
    }
    if (error instanceof AuthError) return { error: "Wrong email or password.", values: { email } };
    throw error; // includes Next.js' redirect signal on success
  }
}

export async function signUpAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const values = { name: text(formData, "name"), email: text(formData, "email") };
  const parsed = signUpInput.safeParse({ ...values, password: text(formData, "password") });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  return guarded("sign-up", values, async () => {
    try {
      await signUp(parsed.data, { requestId: await requestId(), clientKey: clientKey(await headers()) });
    } catch (error) {
      if (error instanceof DomainError) return { error: error.message, fieldErrors: error.fieldErrors, values };
      throw error;
    }
    await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirectTo: "/onboarding" });
    return { ok: true };
  });
}

export async function signOutAction() {
  await signOut({ redirectTo: "/sign-in" });
}

export async function forgotPasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = emailInput.safeParse(text(formData, "email"));
  if (!parsed.success) return { fieldErrors: { email: ["Enter a valid email address"] }, values: { email: text(formData, "email") } };
  return guarded("forgot-password", { email: parsed.data }, async () => {
    try {
      await requestPasswordReset(parsed.data, { clientKey: clientKey(await headers()) });
    } catch (error) {
      if (error instanceof DomainError) return { error: error.message, values: { email: parsed.data } };
      throw error;
    }
    return { ok: true };
  });
}

export async function resetPasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = resetPasswordInput.safeParse({ token: text(formData, "token"), password: text(formData, "password") });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  return guarded("reset-password", undefined, async () => {
    try {
      await resetPassword(parsed.data);
    } catch (error) {
      if (error instanceof DomainError) return { error: error.message };
      throw error;
    }
    return { ok: true };
  });
}
