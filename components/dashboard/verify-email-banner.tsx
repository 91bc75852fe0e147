"use client";

import { useMutation } from "@tanstack/react-query";
import { toast } from "sonner";
import { useTRPC } from "@/lib/trpc/client";

export function VerifyEmailBanner({ email }: { email: string }) {
  const trpc = useTRPC();
  const resend = useMutation(
    trpc.users.resendVerification.mutationOptions({
      onSuccess: () => toast.success(`We sent a new link to ${email}.`),
      // A rate limit says when to try again; anything else has a reference for support.
      onError: (error) => toast.error(error.message || "Could not send the link. Try again in a minute."),
    }),
  );
  return (
    <div role="status" className="border-b border-amber-500/30 bg-amber-500/10 px-6 py-2 text-sm text-amber-900 dark:text-amber-200">
      Please confirm your email address ({email}) with the link we sent you.{" "}
      <button type="button" className="font-medium underline underline-offset-4 disabled:opacity-50" disabled={resend.isPending} onClick={() => resend.mutate()}>
        Send it again
      </button>
    </div>
  );
}
