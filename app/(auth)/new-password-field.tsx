import { FormField } from "@/components/ui/form-field";

/** The password of a new account, with the minimum length the server enforces said up front. */
export function NewPasswordField({ minLength, error }: { minLength: number; error?: string }) {
  return (
    <FormField
      id="password"
      name="password"
      type="password"
      label="Password"
      autoComplete="new-password"
      required
      minLength={minLength}
      hint={`At least ${minLength} characters.`}
      error={error}
    />
  );
}
