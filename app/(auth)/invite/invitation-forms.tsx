"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { SubmitButton } from "@/components/submit-button";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { NewPasswordField } from "../new-password-field";
import { useTRPC } from "@/lib/trpc/client";
import { messageOf } from "@/lib/trpc/errors";
import type { FormState } from "../actions";
import { acceptWithNewAccountAction } from "./actions";

/** Signed in with the invited address: one button joins the shop. */
export function AcceptInvitationButton({ token, shopName }: { token: string; shopName: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(trpc.team.accept.mutationOptions({ onSuccess: (joined) => router.push(`/dashboard/${joined.slug}`) }));
  return (
    <div className="grid gap-3">
      {accept.error ? <Alert variant="error">{messageOf(accept.error)}</Alert> : null}
      <Button type="button" pending={accept.isPending || accept.isSuccess} onClick={() => accept.mutate({ token })}>
        Join {shopName}
      </Button>
    </div>
  );
}

/** No account yet for the invited address: name and password, then the account joins the shop. */
export function NewAccountForm({ token, email, minPasswordLength }: { token: string; email: string; minPasswordLength: number }) {
  const [state, action] = useActionState<FormState, FormData>(acceptWithNewAccountAction, {});
  const fe = state.fieldErrors ?? {};
  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.error && !Object.keys(fe).length ? <Alert variant="error">{state.error}</Alert> : null}
      <input type="hidden" name="token" value={token} />
      <FormField id="invite-account-email" label="Email" type="email" value={email} readOnly aria-readonly hint="The invited address; it is verified by this link." />
      <FormField id="name" name="name" label="Your name" autoComplete="name" required defaultValue={state.values?.name} error={fe.name?.[0]} />
      <NewPasswordField minLength={minPasswordLength} error={fe.password?.[0]} />
      <SubmitButton pendingLabel="Creating your account…">Create account and join</SubmitButton>
    </form>
  );
}
