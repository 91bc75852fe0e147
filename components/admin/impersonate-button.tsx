"use client";

import { useMutation } from "@tanstack/react-query";
import { enterImpersonation } from "@/app/admin/actions";
import { useTRPC } from "@/lib/trpc/client";
import { ActionDialog } from "./action-dialog";

/** Starts impersonating a user (from the user's or a shop's page), then opens their dashboard as them. */
export function ImpersonateButton({ userId, email, tenantId }: { userId: string; email: string; tenantId?: string }) {
  const trpc = useTRPC();
  const start = useMutation(trpc.admin.users.impersonate.mutationOptions());
  return (
    <ActionDialog
      label={`Impersonate ${email}`}
      title={`Impersonate ${email}?`}
      description="You will see and act as this user for at most an hour. Every page shows a banner with a Stop button, and everything you do is audited with both your identities."
      confirmLabel="Start impersonating"
      onConfirm={async (reason) => {
        const started = await start.mutateAsync({ userId, reason, tenantId });
        await enterImpersonation(started.id);
      }}
    />
  );
}
