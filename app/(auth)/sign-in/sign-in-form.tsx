"use client";

import Link from "next/link";
import { SubmitButton } from "@/components/submit-button";
import { Alert } from "@/components/ui/alert";
import { FormField } from "@/components/ui/form-field";
import { signInAction } from "../actions";
import { useFormAction } from "../use-form-action";

export function SignInForm({ callbackUrl, notice }: { callbackUrl?: string; notice?: string }) {
  const [state, action] = useFormAction(signInAction);
  return (
    <form action={action} className="grid gap-4" noValidate>
      {notice && !state.error ? <Alert variant="success">{notice}</Alert> : null}
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? "/dashboard"} />
      <FormField id="email" name="email" type="email" label="Email" autoComplete="email" required defaultValue={state.values?.email} />
      <FormField id="password" name="password" type="password" label="Password" autoComplete="current-password" required />
      <div className="-mt-2 text-right text-sm">
        <Link className="text-muted-foreground underline-offset-4 hover:underline" href="/forgot-password">
          Forgot your password?
        </Link>
      </div>
      <SubmitButton pendingLabel="Signing in…">Sign in</SubmitButton>
    </form>
  );
}
