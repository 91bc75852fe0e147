"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ExternalLink, Loader2 } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableColumns, TableRow } from "@/components/ui/table";
import { formatPrice } from "@/lib/format-price";
import { messageOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/client";
import { useRefreshOnStatusChange } from "./use-refresh-on-status-change";
import { formatBytes } from "@/lib/format-bytes";

type PaidPlan = "starter" | "pro" | "museum";
const isPaidPlan = (id: string): id is PaidPlan => id === "starter" || id === "pro" || id === "museum";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** Stripe amounts are integer minor units; shown with the currency's digits, no float arithmetic on money. */
function formatMinor(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  const digits = new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  const s = String(Math.abs(amount)).padStart(digits + 1, "0");
  const decimal = digits ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s;
  return formatPrice(`${amount < 0 ? "-" : ""}${decimal}`, code);
}

function statusBadge(tenantStatus: string, subscriptionStatus: string | undefined) {
  if (tenantStatus === "suspended") return <Badge variant="danger">Suspended</Badge>;
  if (subscriptionStatus === "past_due" || subscriptionStatus === "unpaid") return <Badge variant="warning">Past due</Badge>;
  if (tenantStatus === "pending") return <Badge variant="warning">Waiting for payment</Badge>;
  if (tenantStatus === "provisioning") return <Badge variant="muted">Setting up</Badge>;
  if (tenantStatus === "failed") return <Badge variant="danger">Setup failed</Badge>;
  if (tenantStatus === "deleted") return <Badge variant="danger">Canceled</Badge>;
  return <Badge variant="success">Active</Badge>;
}

/** `renderedStatus`: the shop's status as the server rendered the page (and its layout). */
export function BillingPanel({
  tenantSlug,
  renderedStatus,
  canManage,
  checkoutCanceled,
}: {
  tenantSlug: string;
  renderedStatus: string;
  canManage: boolean;
  checkoutCanceled: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const overview = useQuery({
    ...trpc.subscriptions.overview.queryOptions({ tenantSlug }),
    // Webhooks land asynchronously: poll while the state is in motion.
    refetchInterval: (q) => (q.state.data && ["provisioning"].includes(q.state.data.tenant.status) ? 1500 : false),
  });
  const invoices = useQuery({ ...trpc.subscriptions.invoices.queryOptions({ tenantSlug }), enabled: canManage });
  useRefreshOnStatusChange(renderedStatus, overview.data?.tenant.status);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.subscriptions.pathKey() });
  const [confirming, setConfirming] = useState<null | { kind: "cancel" } | { kind: "change"; plan: PaidPlan; name: string }>(null);

  const checkout = useMutation(trpc.subscriptions.startCheckout.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url) }));
  const portal = useMutation(trpc.subscriptions.portal.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url) }));
  const changePlan = useMutation(
    trpc.subscriptions.changePlan.mutationOptions({
      onSuccess: () => {
        toast.success("Plan changed. The difference is prorated on your next invoice.");
        setConfirming(null);
        void refresh();
      },
    }),
  );
  const cancel = useMutation(
    trpc.subscriptions.setCancelAtPeriodEnd.mutationOptions({
      onSuccess: (_d, v) => {
        toast.success(v.cancel ? "Your subscription will end at the end of the period." : "Your subscription will renew.");
        setConfirming(null);
        void refresh();
      },
    }),
  );
  const retry = useMutation(trpc.subscriptions.retryProvisioning.mutationOptions({ onSuccess: () => void refresh() }));
  const mutationError = [checkout, portal, changePlan, cancel, retry].find((m) => m.error)?.error;

  if (overview.isPending) {
    return (
      <p className="flex items-center gap-2 text-sm text-muted-foreground">
        <Loader2 className="size-4 animate-spin" aria-hidden /> Loading billing…
      </p>
    );
  }
  if (overview.isError) return <Alert variant="error">Billing could not be loaded: {messageOf(overview.error)}</Alert>;

  const { tenant, trial, plan, plans, subscription: sub, usage, graceHours, recentLog } = overview.data;
  const live = sub && ["active", "trialing", "past_due", "unpaid"].includes(sub.status);
  const busy = checkout.isPending || changePlan.isPending || portal.isPending;

  return (
    <div className="grid gap-6">
      {mutationError ? <Alert variant="error">{messageOf(mutationError)}</Alert> : null}
      {tenant.status === "pending" ? (
        <Alert variant="warning">
          {checkoutCanceled ? "Payment was not completed. " : ""}Your shop is still pending: it opens as soon as a plan is paid. Choose a plan below.
        </Alert>
      ) : null}
      {tenant.status === "provisioning" ? (
        <Alert variant="info">
          <span className="inline-flex items-center gap-2">
            <Loader2 className="size-4 animate-spin" aria-hidden /> Payment received — setting up your shop…
          </span>
        </Alert>
      ) : null}
      {tenant.status === "failed" ? (
        <Alert variant="error">
          Setting up your shop failed ({recentLog.find((l) => l.status === "failed")?.error ?? "unknown error"}).{" "}
          {canManage ? (
            <Button size="sm" variant="outline" className="ml-2" onClick={() => retry.mutate({ tenantSlug })} disabled={retry.isPending}>
              Retry setup
            </Button>
          ) : null}
        </Alert>
      ) : null}
      {sub?.status === "past_due" && tenant.status === "active" ? (
        <Alert variant="warning">
          Your last payment failed. Update your payment method{graceHours > 0 ? ` within ${graceHours} hours` : ""} or the shop will be suspended.
        </Alert>
      ) : null}
      {trial?.ended ? (
        <Alert variant="error">Your free trial has ended: the shop is read-only and its storefront offline. Choose a plan below to reopen it at once.</Alert>
      ) : tenant.status === "suspended" ? (
        <Alert variant="error">Your shop is suspended because a payment failed. Pay the open invoice to bring it back at once.</Alert>
      ) : null}

      <Card>
        <CardHeader>
          <CardTitle>
            <span className="flex flex-wrap items-center gap-3">
              Current plan: <span data-testid="current-plan">{tenant.status === "pending" ? "none yet" : plan.name}</span> {statusBadge(tenant.status, sub?.status)}
            </span>
          </CardTitle>
          <CardDescription>
            {sub?.currentPeriodEnd && live
              ? sub.cancelAtPeriodEnd
                ? `Ends on ${dateFormat.format(sub.currentPeriodEnd)}; it will not renew.`
                : `Renews on ${dateFormat.format(sub.currentPeriodEnd)}.`
              : tenant.status === "pending"
                ? "Choose a plan below to open your shop."
                : trial
                ? trial.ended
                  ? `Free trial ended on ${dateFormat.format(trial.endsAt)}.`
                  : `Free trial: ${trial.daysLeft} ${trial.daysLeft === 1 ? "day" : "days"} left (until ${dateFormat.format(trial.endsAt)}). Upgrade any time.`
                : tenant.plan === "trial"
                ? "Free trial: no payment needed. Upgrade any time."
                : "No active subscription."}
          </CardDescription>
        </CardHeader>
        {canManage && sub ? (
          <CardContent className="flex flex-wrap gap-2">
            <Button variant="outline" onClick={() => portal.mutate({ tenantSlug })} disabled={busy}>
              {tenant.status === "suspended" || sub.status === "past_due" ? "Pay now" : "Manage payment methods"} <ExternalLink aria-hidden />
            </Button>
            {live && !sub.cancelAtPeriodEnd ? (
              confirming?.kind === "cancel" ? (
                <span className="flex flex-wrap items-center gap-2 text-sm" role="group" aria-label="Confirm cancellation">
                  Cancel at the end of the period?
                  <Button variant="destructive" size="sm" onClick={() => cancel.mutate({ tenantSlug, cancel: true })} disabled={cancel.isPending}>
                    Yes, cancel
                  </Button>
                  <Button variant="ghost" size="sm" onClick={() => setConfirming(null)}>
                    Keep it
                  </Button>
                </span>
              ) : (
                <Button variant="ghost" onClick={() => setConfirming({ kind: "cancel" })}>
                  Cancel subscription
                </Button>
              )
            ) : null}
            {live && sub.cancelAtPeriodEnd ? (
              <Button onClick={() => cancel.mutate({ tenantSlug, cancel: false })} disabled={cancel.isPending}>
                Keep my subscription
              </Button>
            ) : null}
          </CardContent>
        ) : null}
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Usage this month</CardTitle>
          <CardDescription>Against the limits of your {plan.name} plan.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          {usage.map((u) => {
            const fmt = (n: number) => (u.limit === "storageBytes" ? formatBytes(n) : n.toLocaleString("en"));
            const pct = u.used === null ? 0 : Math.min(100, Math.round((u.used / u.max) * 100));
            return (
              <div key={u.limit} className="grid gap-1">
                <div className="flex justify-between text-sm">
                  <span id={`usage-${u.limit}`}>{u.label}</span>
                  <span className="text-muted-foreground">{u.used === null ? `not metered yet · limit ${fmt(u.max)}` : `${fmt(u.used)} of ${fmt(u.max)}`}</span>
                </div>
                <div
                  role="meter"
                  aria-labelledby={`usage-${u.limit}`}
                  aria-valuemin={0}
                  aria-valuemax={u.max}
                  aria-valuenow={u.used ?? 0}
                  className="h-2 overflow-hidden rounded-full bg-muted"
                >
                  <div className={pct >= 90 ? "h-full bg-destructive" : "h-full bg-primary"} style={{ width: `${pct}%` }} />
                </div>
              </div>
            );
          })}
        </CardContent>
      </Card>

      <section aria-labelledby="plans-heading" className="grid gap-3">
        <h2 id="plans-heading" className="text-lg font-semibold">
          Plans
        </h2>
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {plans.map((p) => {
            // A pending shop (paid plan chosen, not paid yet) is on no plan at all.
            const current = tenant.status !== "pending" && p.id === plan.id && (p.id === "trial" || live);
            return (
              <Card key={p.id} className={current ? "border-primary" : undefined}>
                <CardHeader>
                  <CardTitle>{p.name}</CardTitle>
                  <CardDescription>{p.id === "trial" ? "Free" : `${formatPrice(p.monthlyPrice, p.currency)} / month`}</CardDescription>
                </CardHeader>
                <CardContent className="grid gap-3 text-sm">
                  <ul className="grid gap-1 text-muted-foreground">
                    <li>{p.maxProducts.toLocaleString("en")} products</li>
                    <li>{p.maxTeamMembers.toLocaleString("en")} team members</li>
                    <li>{formatBytes(p.maxStorageBytes)} storage</li>
                    <li>{p.maxApiCallsPerMonth.toLocaleString("en")} API calls / month</li>
                  </ul>
                  {current ? (
                    <Badge variant="muted">Current plan</Badge>
                  ) : canManage && isPaidPlan(p.id) ? (
                    live ? (
                      confirming?.kind === "change" && confirming.plan === p.id ? (
                        <span className="grid gap-2" role="group" aria-label={`Confirm switch to ${p.name}`}>
                          Switch to {p.name}? The price difference is prorated.
                          <span className="flex gap-2">
                            <Button size="sm" onClick={() => changePlan.mutate({ tenantSlug, plan: confirming.plan })} disabled={busy}>
                              Confirm
                            </Button>
                            <Button size="sm" variant="ghost" onClick={() => setConfirming(null)}>
                              Back
                            </Button>
                          </span>
                        </span>
                      ) : (
                        <Button variant="outline" onClick={() => isPaidPlan(p.id) && setConfirming({ kind: "change", plan: p.id, name: p.name })} disabled={busy}>
                          {p.sortOrder > plan.sortOrder ? "Upgrade" : "Downgrade"} to {p.name}
                        </Button>
                      )
                    ) : (
                      <Button onClick={() => isPaidPlan(p.id) && checkout.mutate({ tenantSlug, plan: p.id })} disabled={busy}>
                        {checkout.isPending && checkout.variables?.plan === p.id ? <Loader2 className="animate-spin" aria-hidden /> : null}
                        Choose {p.name}
                      </Button>
                    )
                  ) : null}
                </CardContent>
              </Card>
            );
          })}
        </div>
      </section>

      {recentLog.length > 0 ? (
        <Card>
          <CardHeader>
            <CardTitle>Recent lifecycle activity</CardTitle>
            <CardDescription>Setup steps and status changes, with what caused them.</CardDescription>
          </CardHeader>
          <CardContent>
            <ul className="grid gap-1 text-sm">
              {recentLog.map((l, i) => (
                <li key={i} className="flex flex-wrap gap-x-3 text-muted-foreground">
                  <span className="text-foreground">
                    {l.step === "transition" && typeof l.detail.to === "string" ? `status → ${l.detail.to}` : l.step.replaceAll("_", " ")}
                  </span>
                  <Badge variant={l.status === "failed" ? "danger" : "muted"}>{l.status}</Badge>
                  <span>{dateTimeFormat.format(l.createdAt)}</span>
                  <span className="truncate">by {l.cause}</span>
                  {l.error ? <span className="text-destructive">{l.error}</span> : null}
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      ) : null}

      {canManage ? (
        <Card>
          <CardHeader>
            <CardTitle>Invoices</CardTitle>
          </CardHeader>
          <CardContent>
            {invoices.isPending ? (
              <p className="text-sm text-muted-foreground">Loading invoices…</p>
            ) : invoices.isError ? (
              <Alert variant="error">Invoices could not be loaded from Stripe: {messageOf(invoices.error)}</Alert>
            ) : invoices.data.length === 0 ? (
              <p className="text-sm text-muted-foreground">No invoices yet.</p>
            ) : (
              <Table>
                <TableColumns columns={["Date", "Number", "Amount", "Status", { label: "Link", srOnly: true }]} />
                <TableBody>
                  {invoices.data.map((inv) => (
                    <TableRow key={inv.id}>
                      <TableCell>{dateFormat.format(inv.created)}</TableCell>
                      <TableCell>{inv.number ?? inv.id}</TableCell>
                      <TableCell>{formatMinor(inv.status === "paid" ? inv.amountPaid : inv.amountDue, inv.currency)}</TableCell>
                      <TableCell>
                        <Badge variant={inv.status === "paid" ? "success" : inv.status === "open" ? "warning" : "muted"}>{inv.status ?? "unknown"}</Badge>
                      </TableCell>
                      <TableCell className="text-right">
                        {inv.hostedUrl ? (
                          <a className="underline underline-offset-4" href={inv.hostedUrl} target="_blank" rel="noreferrer">
                            View
                          </a>
                        ) : null}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}
