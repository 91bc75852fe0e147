"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/client";

const int = (n: number | null | undefined) => (n ?? 0).toLocaleString("en");
const when = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium" });

function statusBadge(status: string) {
  if (status === "succeeded") return <Badge variant="success">Succeeded</Badge>;
  if (status === "failed") return <Badge variant="danger">Failed</Badge>;
  return <Badge variant="warning">Running</Badge>;
}

/** History of billing runs with live progress (polled while one runs), and a form to start a month. */
export function BillingRunsPanel({ defaultPeriod }: { defaultPeriod: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [period, setPeriod] = useState(defaultPeriod);
  const [waiting, setWaiting] = useState(false);
  const runs = useQuery({
    ...trpc.billingRuns.list.queryOptions(),
    // Poll while a run is going or one was just queued for the worker.
    refetchInterval: (q) => (waiting || q.state.data?.some((r) => r.status === "running") ? 1000 : false),
  });
  const start = useMutation(
    trpc.billingRuns.start.mutationOptions({
      onSuccess: (r) => {
        toast.success(`Billing run for ${r.period} queued`);
        setWaiting(true);
        setTimeout(() => setWaiting(false), 30_000);
        void queryClient.invalidateQueries({ queryKey: trpc.billingRuns.list.queryKey() });
      },
      onError: (e) => toast.error(messageOf(e)),
    }),
  );
  const fieldErrors = fieldErrorsOf(start.error);

  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>Start a run</CardTitle>
          <CardDescription>Closes the month to late usage, then bills it. The worker runs it; progress appears below.</CardDescription>
        </CardHeader>
        <CardContent>
          <form
            className="flex flex-wrap items-end gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              start.mutate({ period });
            }}
          >
            <div className="w-48">
              <FormField id="period" label="Period (YYYY-MM)" value={period} onChange={(e) => setPeriod(e.target.value)} error={fieldErrors.period} />
            </div>
            <Button type="submit" pending={start.isPending}>
              Start run
            </Button>
          </form>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>History</CardTitle>
        </CardHeader>
        <CardContent>
          {runs.isError ? <Alert variant="error">{messageOf(runs.error)}</Alert> : null}
          {runs.data?.length === 0 ? <p className="text-sm text-muted-foreground">No billing run yet.</p> : null}
          {runs.data?.length ? (
            <div className="overflow-x-auto">
              <table className="w-full text-sm" aria-label="Billing runs">
                <thead className="text-left text-muted-foreground">
                  <tr>
                    <th className="py-2 pr-4 font-medium">Period</th>
                    <th className="py-2 pr-4 font-medium">Status</th>
                    <th className="py-2 pr-4 font-medium">Progress</th>
                    <th className="py-2 pr-4 text-right font-medium">Events</th>
                    <th className="py-2 pr-4 text-right font-medium">Tenants</th>
                    <th className="py-2 pr-4 text-right font-medium">Lines</th>
                    <th className="py-2 pr-4 text-right font-medium">Reported</th>
                    <th className="py-2 pr-4 text-right font-medium">Duration</th>
                    <th className="py-2 pr-4 text-right font-medium">Events/s</th>
                    <th className="py-2 pr-4 font-medium">Started</th>
                  </tr>
                </thead>
                <tbody>
                  {runs.data.map((r) => {
                    const pct = r.eventsTotal ? Math.min(100, Math.round((r.events / r.eventsTotal) * 100)) : r.status === "succeeded" ? 100 : 0;
                    return (
                      <tr key={r.id} className="border-t align-top" data-run-status={r.status}>
                        <td className="py-2 pr-4 font-medium">{r.period.slice(0, 7)}</td>
                        <td className="py-2 pr-4">
                          {statusBadge(r.status)}
                          {r.error ? (
                            <p className="mt-1 max-w-md text-xs break-words text-destructive" role="note">
                              {r.error}
                            </p>
                          ) : null}
                          <p className="mt-1 text-xs text-muted-foreground">by {r.trigger}</p>
                        </td>
                        <td className="py-2 pr-4">
                          <div className="h-2 w-32 rounded bg-muted" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={`Run ${r.period.slice(0, 7)} progress`}>
                            <div className="h-2 rounded bg-primary" style={{ width: `${pct}%` }} />
                          </div>
                          <span className="text-xs text-muted-foreground">{pct}%</span>
                        </td>
                        <td className="py-2 pr-4 text-right tabular-nums">
                          {int(r.events)}
                          {r.eventsTotal !== null && r.status === "running" ? ` / ${int(r.eventsTotal)}` : ""}
                        </td>
                        <td className="py-2 pr-4 text-right tabular-nums">{int(r.tenants)}</td>
                        <td className="py-2 pr-4 text-right tabular-nums">{int(r.statementLines)}</td>
                        <td className="py-2 pr-4 text-right tabular-nums">{int(r.eventsReported)}</td>
                        <td className="py-2 pr-4 text-right tabular-nums">{r.durationMs !== null ? `${(r.durationMs / 1000).toFixed(2)} s` : "…"}</td>
                        <td className="py-2 pr-4 text-right tabular-nums">{r.eventsPerSecond ? int(Number(r.eventsPerSecond)) : "…"}</td>
                        <td className="py-2 pr-4 whitespace-nowrap">{when.format(new Date(r.startedAt))}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : null}
        </CardContent>
      </Card>
    </div>
  );
}
