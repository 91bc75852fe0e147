"use client";

import { useQuery } from "@tanstack/react-query";
import { CheckCircle2, Loader2 } from "lucide-react";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { messageOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/client";
import { useRefreshOnStatusChange } from "./use-refresh-on-status-change";

/** Polls the billing state until the webhook has been processed and the shop is active on its new plan. */
export function CheckoutSuccess({ tenantSlug, renderedStatus }: { tenantSlug: string; renderedStatus: string }) {
  const trpc = useTRPC();
  const overview = useQuery({
    ...trpc.subscriptions.overview.queryOptions({ tenantSlug }),
    refetchInterval: (q) => {
      const d = q.state.data;
      const settled = d && d.tenant.status !== "pending" && d.tenant.status !== "provisioning" && d.subscription?.status === "active";
      return settled ? false : 1000;
    },
  });
  useRefreshOnStatusChange(renderedStatus, overview.data?.tenant.status);
  if (overview.isError) return <Alert variant="error">{messageOf(overview.error)}</Alert>;
  const d = overview.data;
  const ready = d && d.tenant.status === "active" && d.subscription?.status === "active";
  if (!ready) {
    return (
      <Alert variant="info">
        <span className="inline-flex items-center gap-2">
          <Loader2 className="size-4 animate-spin" aria-hidden /> Setting up your shop… this takes a few seconds.
        </span>
      </Alert>
    );
  }
  return (
    <div className="grid gap-4">
      <Alert variant="success">
        <span className="inline-flex items-center gap-2">
          <CheckCircle2 className="size-4" aria-hidden /> Your shop is active on the {d.plan.name} plan.
        </span>
      </Alert>
      <div className="flex gap-2">
        <Button asChild>
          <Link href={`/dashboard/${tenantSlug}`}>Go to your dashboard</Link>
        </Button>
        <Button asChild variant="outline">
          <Link href={`/dashboard/${tenantSlug}/billing`}>Billing</Link>
        </Button>
      </div>
    </div>
  );
}
