"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { z } from "zod";
import { RateLimitedSignIn, signIn, signOut } from "@/server/auth";
import { safeRedirectPath } from "@/lib/redirect-target";
import { DomainError } from "@/server/domain/errors";
import { env } from "@/server/env";
import { requestPasswordReset, resetPassword, resetPasswordInput, signUp, signUpInput, emailInput } from "@/server/domain/users";

export type FormState = { error?: string; fieldErrors?: Record<string, string[] | undefined>; ok?: boolean; values?: Record<string, string> };


function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

export async function signInAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const email = text(formData, "email");
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
  try {
    await signUp(parsed.data, { requestId: (await headers()).get("x-request-id") });
  } catch (error) {
    if (error instanceof DomainError) return { error: error.message, fieldErrors: error.fieldErrors, values };
    throw error;
  }
  await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirectTo: "/onboarding" });
  return { ok: true };
}

export async function signOutAction() {
  await signOut({ redirectTo: "/sign-in" });
}

export async function forgotPasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = emailInput.safeParse(text(formData, "email"));
  if (!parsed.success) return { fieldErrors: { email: ["Enter a valid email address"] }, values: { email: text(formData, "email") } };
  await requestPasswordReset(parsed.data);
  return { ok: true };
}

export async function resetPasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = resetPasswordInput.safeParse({ token: text(formData, "token"), password: text(formData, "password") });
  if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors };
  try {
    await resetPassword(parsed.data);
  } catch (error) {
    if (error instanceof DomainError) return { error: error.message };
    throw error;
  }
  return { ok: true };
}
