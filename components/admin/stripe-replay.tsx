"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { messageOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/client";
import { ActionDialog } from "./action-dialog";

/**
 * Replays one event, or every failed event of the current type filter, and shows how each
 * ended: the worker processes them, so their state is polled until none is still "received".
 */
export function StripeReplay({ eventId, type, failedCount }: { eventId?: string; type?: string; failedCount?: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [ids, setIds] = useState<string[]>([]);
  const onSuccess = (r: { ids: string[] }) => setIds(r.ids);
  const one = useMutation(trpc.admin.stripeEvents.replay.mutationOptions({ onSuccess }));
  const failed = useMutation(trpc.admin.stripeEvents.replayFailed.mutationOptions({ onSuccess }));
  const results = useQuery({
    ...trpc.admin.stripeEvents.byIds.queryOptions({ ids: ids.length ? ids : ["-"] }),
    enabled: ids.length > 0,
    refetchInterval: (q) => (q.state.data?.some((e) => e.status === "received") ? 1000 : false),
  });
  const rows = ids.length ? (results.data ?? []) : [];
  const waiting = rows.filter((r) => r.status === "received").length;
  const finished = ids.length > 0 && rows.length > 0 && waiting === 0;
  const error = one.error ?? failed.error;
  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap gap-2">
        {eventId ? (
          <Button size="sm" pending={one.isPending} onClick={() => one.mutate({ id: eventId })}>
            Replay this event
          </Button>
        ) : null}
        {failedCount !== undefined ? (
          <ActionDialog
            label={`Replay all failed${type ? ` ${type}` : ""} (${failedCount})`}
            title="Replay every failed event of this filter?"
            description={`Marks ${failedCount > 500 ? "the oldest 500" : `the ${failedCount}`} failed event${failedCount === 1 ? "" : "s"}${type ? ` of type ${type}` : ""} as received and queues them for the worker. Processing re-reads Stripe, so a replay can only bring shops up to date.`}
            confirmLabel="Replay"
            withReason={false}
            onConfirm={() => failed.mutateAsync({ type })}
          />
        ) : null}
      </div>
      {error ? <Alert variant="error">{messageOf(error)}</Alert> : null}
      {ids.length ? (
        <div role="status" data-testid="replay-result" className="rounded-md border p-3 text-sm">
          <p className="font-medium">
            {finished ? `Replay finished: ${rows.filter((r) => r.status === "processed").length} processed, ${rows.filter((r) => r.status === "failed").length} failed.` : `Replaying ${ids.length} event${ids.length === 1 ? "" : "s"}… ${waiting} waiting for the worker.`}
          </p>
          <ul className="mt-2 grid gap-1">
            {rows.slice(0, 20).map((r) => (
              <li key={r.id} data-event-status={r.status}>
                <span className="font-mono">{r.id}</span>: {r.status} after {r.attempts} attempt{r.attempts === 1 ? "" : "s"}
                {r.lastError ? ` (${r.lastError})` : ""}
              </li>
            ))}
          </ul>
          {finished ? (
            <Button size="sm" variant="outline" className="mt-2" onClick={() => router.refresh()}>
              Refresh the list
            </Button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
