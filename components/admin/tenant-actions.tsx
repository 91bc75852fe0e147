"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { useTRPC } from "@/lib/trpc/client";
import { ActionDialog } from "./action-dialog";

type Props = { tenantId: string; name: string; status: string; retentionDays: number };

/** The lifecycle actions a tenant's status allows, each behind a confirmation with a reason. */
export function TenantActions({ tenantId, name, status, retentionDays }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const done = (message: string) => () => {
    toast.success(message);
    router.refresh();
  };
  const suspend = useMutation(trpc.admin.tenants.suspend.mutationOptions({ onSuccess: done("Shop suspended") }));
  const resume = useMutation(trpc.admin.tenants.resume.mutationOptions({ onSuccess: done("Shop resumed") }));
  const retry = useMutation(trpc.admin.tenants.retryProvisioning.mutationOptions({ onSuccess: done("Provisioning queued") }));
  const remove = useMutation(trpc.admin.tenants.delete.mutationOptions({ onSuccess: done("Shop deleted") }));
  return (
    <div className="flex flex-wrap gap-2">
      {status === "active" ? (
        <ActionDialog
          label="Suspend"
          title={`Suspend ${name}?`}
          description="The storefront goes offline and the dashboard becomes read-only until the shop is resumed."
          confirmLabel="Suspend shop"
          destructive
          onConfirm={(reason) => suspend.mutateAsync({ tenantId, reason })}
        />
      ) : null}
      {status === "suspended" ? (
        <ActionDialog label="Resume" title={`Resume ${name}?`} description="The storefront comes back and the dashboard is writable again." confirmLabel="Resume shop" onConfirm={(reason) => resume.mutateAsync({ tenantId, reason })} />
      ) : null}
      {status === "failed" ? (
        <ActionDialog
          label="Retry provisioning"
          title={`Retry provisioning ${name}?`}
          description="Queues the setup again; steps that already succeeded are skipped."
          confirmLabel="Retry"
          onConfirm={(reason) => retry.mutateAsync({ tenantId, reason })}
        />
      ) : null}
      {status !== "deleted" ? (
        <ActionDialog
          label="Delete"
          title={`Delete ${name}?`}
          description={
            <>
              Cancels its Stripe subscription now and takes the shop offline. Its data is kept for <strong>{retentionDays} days</strong>, then purged for good.
            </>
          }
          confirmLabel="Delete shop"
          destructive
          onConfirm={(reason) => remove.mutateAsync({ tenantId, reason })}
        />
      ) : null}
    </div>
  );
}
