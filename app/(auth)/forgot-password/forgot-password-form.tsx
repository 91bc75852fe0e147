"use client";

import { SubmitButton } from "@/components/submit-button";
import { Alert } from "@/components/ui/alert";
import { FormField } from "@/components/ui/form-field";
import { forgotPasswordAction } from "../actions";
import { useFormAction } from "../use-form-action";

export function ForgotPasswordForm() {
  const [state, action] = useFormAction(forgotPasswordAction);
  if (state.ok) {
    return <Alert variant="success">If an account exists for that address, we sent it a link to choose a new password. It is valid for one hour.</Alert>;
  }
  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.error ? <Alert variant="error">{state.error}</Alert> : null}
      <FormField id="email" name="email" type="email" label="Email" autoComplete="email" required defaultValue={state.values?.email} error={state.fieldErrors?.email?.[0]} />
      <SubmitButton pendingLabel="Sending…">Send reset link</SubmitButton>
    </form>
  );
}
