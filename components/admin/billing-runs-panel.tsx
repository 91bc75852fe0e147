"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { Table, TableBody, TableCell, TableColumns, TableRow } from "@/components/ui/table";
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
            <Table aria-label="Billing runs">
              <TableColumns columns={["Period", "Status", "Progress", { label: "Events", numeric: true }, { label: "Tenants", numeric: true }, { label: "Lines", numeric: true }, { label: "Reported", numeric: true }, { label: "Duration", numeric: true }, { label: "Events/s", numeric: true }, "Started"]} />
              <TableBody>
                {runs.data.map((r) => {
                  const pct = r.eventsTotal ? Math.min(100, Math.round((r.events / r.eventsTotal) * 100)) : r.status === "succeeded" ? 100 : 0;
                  return (
                    <TableRow key={r.id} className="align-top" data-run-status={r.status}>
                      <TableCell className="font-medium">{r.period.slice(0, 7)}</TableCell>
                      <TableCell>
                        {statusBadge(r.status)}
                        {r.error ? (
                          <p className="mt-1 max-w-md text-xs break-words text-destructive" role="note">
                            {r.error}
                          </p>
                        ) : null}
                        <p className="mt-1 text-xs text-muted-foreground">by {r.trigger}</p>
                      </TableCell>
                      <TableCell>
                        <div className="h-2 w-32 rounded bg-muted" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={`Run ${r.period.slice(0, 7)} progress`}>
                          <div className="h-2 rounded bg-primary" style={{ width: `${pct}%` }} />
                        </div>
                        <span className="text-xs text-muted-foreground">{pct}%</span>
                      </TableCell>
                      <TableCell numeric>
                        {int(r.events)}
                        {r.eventsTotal !== null && r.status === "running" ? ` / ${int(r.eventsTotal)}` : ""}
                      </TableCell>
                      <TableCell numeric>{int(r.tenants)}</TableCell>
                      <TableCell numeric>{int(r.statementLines)}</TableCell>
                      <TableCell numeric>{int(r.eventsReported)}</TableCell>
                      <TableCell numeric>{r.durationMs !== null ? `${(r.durationMs / 1000).toFixed(2)} s` : "…"}</TableCell>
                      <TableCell numeric>{r.eventsPerSecond ? int(Number(r.eventsPerSecond)) : "…"}</TableCell>
                      <TableCell className="whitespace-nowrap">{when.format(new Date(r.startedAt))}</TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          ) : null}
        </CardContent>
      </Card>
    </div>
  );
}
