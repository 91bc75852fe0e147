"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { SubmitButton } from "@/components/submit-button";
import { Alert } from "@/components/ui/alert";
import { FormField } from "@/components/ui/form-field";
import { resetPasswordAction } from "../actions";
import { useFormAction } from "../use-form-action";

export function ResetPasswordForm({ token }: { token: string }) {
  const [state, action] = useFormAction(resetPasswordAction);
  const router = useRouter();
  useEffect(() => {
    if (state.ok) router.push("/sign-in?notice=password-reset");
  }, [state.ok, router]);
  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <input type="hidden" name="token" value={token} />
      <FormField id="password" name="password" type="password" label="New password" autoComplete="new-password" required error={state.fieldErrors?.password?.[0]} />
      <SubmitButton pendingLabel="Saving…">Set new password</SubmitButton>
    </form>
  );
}
