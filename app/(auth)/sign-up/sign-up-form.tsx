"use client";

import { SubmitButton } from "@/components/submit-button";
import { Alert } from "@/components/ui/alert";
import { FormField } from "@/components/ui/form-field";
import { NewPasswordField } from "../new-password-field";
import { signUpAction } from "../actions";
import { useFormAction } from "../use-form-action";

export function SignUpForm({ minPasswordLength }: { minPasswordLength: number }) {
  const [state, action] = useFormAction(signUpAction);
  const fe = state.fieldErrors ?? {};
  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.error && !Object.keys(fe).length ? <Alert variant="error">{state.error}</Alert> : null}
      <FormField id="name" name="name" label="Your name" autoComplete="name" required defaultValue={state.values?.name} error={fe.name?.[0]} />
      <FormField id="email" name="email" type="email" label="Email" autoComplete="email" required defaultValue={state.values?.email} error={fe.email?.[0]} />
      <NewPasswordField minLength={minPasswordLength} error={fe.password?.[0]} />
      <SubmitButton pendingLabel="Creating your account…">Create account</SubmitButton>
    </form>
  );
}
