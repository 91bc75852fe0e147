"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, useTransition } from "react";
import { signOutAction } from "@/app/(auth)/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc/client";

/** Ends every session of this account (stolen cookies included), after a confirmation step. */
export function SignOutEverywhere() {
  const trpc = useTRPC();
  const [confirming, setConfirming] = useState(false);
  const [leaving, startLeaving] = useTransition();
  const end = useMutation(
    trpc.users.signOutEverywhere.mutationOptions({
      // This session ended too: clear its cookie and go to the sign-in page.
      onSuccess: () => startLeaving(() => signOutAction()),
    }),
  );
  if (!confirming) {
    return (
      <div className="grid max-w-lg gap-2">
        <p className="text-sm text-muted-foreground">Lost a device, or signed in somewhere you should not have? End every session of this account.</p>
        <div>
          <Button type="button" variant="outline" onClick={() => setConfirming(true)}>
            Sign out of all devices
          </Button>
        </div>
      </div>
    );
  }
  return (
    <div className="grid max-w-lg gap-3">
      <Alert variant="warning">Every device signed in to this account, this one included, will be signed out. You will need your password to sign in again.</Alert>
      {end.error ? <Alert variant="error">{end.error.message}</Alert> : null}
      <div className="flex gap-2">
        <Button type="button" variant="destructive" pending={end.isPending || leaving} onClick={() => end.mutate()}>
          Yes, sign out everywhere
        </Button>
        <Button type="button" variant="ghost" disabled={end.isPending || leaving} onClick={() => setConfirming(false)}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
