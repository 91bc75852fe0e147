"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { useTRPC } from "@/lib/trpc/client";
import { ActionDialog } from "./action-dialog";

/** Disable (ends every session, refuses sign-in) or enable an account, behind a confirmation. */
export function UserActions({ userId, email, disabled }: { userId: string; email: string; disabled: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const refresh = (message: string) => () => {
    toast.success(message);
    router.refresh();
  };
  const disable = useMutation(trpc.admin.users.disable.mutationOptions({ onSuccess: refresh("Account disabled") }));
  const enable = useMutation(trpc.admin.users.enable.mutationOptions({ onSuccess: refresh("Account enabled") }));
  return disabled ? (
    <ActionDialog label="Enable" title={`Enable ${email}?`} description="The account can sign in again." confirmLabel="Enable account" withReason={false} onConfirm={() => enable.mutateAsync({ userId })} />
  ) : (
    <ActionDialog
      label="Disable"
      title={`Disable ${email}?`}
      description="Every session of this account ends at its next request, and it cannot sign in until enabled again."
      confirmLabel="Disable account"
      destructive
      onConfirm={(reason) => disable.mutateAsync({ userId, reason })}
    />
  );
}
