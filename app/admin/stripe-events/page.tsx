import type { Metadata } from "next";
import Link from "next/link";
import { hrefWith, inputClass, Pager, param, selectClass, StatusBadge, when } from "@/components/admin/console";
import { StripeReplay } from "@/components/admin/stripe-replay";
import { PageHeader } from "@/components/dashboard/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableColumns, TableRow } from "@/components/ui/table";
import { rethrowForAdminPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { listStripeEventsInput } from "@/server/domain/admin-stripe-events";

export const metadata: Metadata = { title: "Stripe events" };

/** The webhook log: filter by status and type, open one for its payload, replay one or every failed one of the filter. */
export default async function AdminStripeEventsPage({ searchParams }: PageProps<"/admin/stripe-events">) {
  const sp = await searchParams;
  const parsed = listStripeEventsInput.safeParse({ status: param(sp, "status"), type: param(sp, "type"), page: param(sp, "page") });
  const input = parsed.success ? parsed.data : listStripeEventsInput.parse({});
  const api = await getServerApi();
  const selected = param(sp, "event");
  const [list, failed, event] = await Promise.all([
    api.admin.stripeEvents.list(input).catch(rethrowForAdminPage),
    api.admin.stripeEvents.list({ status: "failed", type: input.type }).catch(rethrowForAdminPage),
    selected ? api.admin.stripeEvents.get({ id: selected }).catch(() => null) : null,
  ]);
  return (
    <>
      <PageHeader title="Stripe events" description="Every webhook received, its processing attempts and last error. Replaying re-reads Stripe, so it is always safe." />
      <form method="get" action="/admin/stripe-events" className="mb-4 flex flex-wrap items-end gap-2" aria-label="Filter events">
        <select name="status" defaultValue={input.status ?? ""} aria-label="Status" className={selectClass}>
          <option value="">Any status</option>
          <option value="received">received</option>
          <option value="processed">processed</option>
          <option value="failed">failed</option>
        </select>
        <input name="type" defaultValue={input.type} list="event-types" placeholder="Type, or prefix ending in ." aria-label="Type" className={`${inputClass} w-72`} />
        <datalist id="event-types">
          {list.types.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        <Button type="submit" size="sm">
          Apply
        </Button>
      </form>
      <div className="mb-4">
        <StripeReplay type={input.type} failedCount={failed.total} />
      </div>
      {event ? (
        <Card className="mb-6" data-testid="stripe-event">
          <CardHeader>
            <CardTitle className="font-mono text-base">{event.id}</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-3 text-sm">
            <p>
              {event.type} · <StatusBadge status={event.status} /> · {event.attempts} attempt{event.attempts === 1 ? "" : "s"} · received {when(event.receivedAt)}
              {event.processedAt ? ` · processed ${when(event.processedAt)}` : ""}
            </p>
            {event.lastError ? <p className="text-destructive">Last error: {event.lastError}</p> : null}
            <StripeReplay eventId={event.id} />
            <pre className="max-h-96 overflow-auto rounded-md bg-muted p-3 text-xs" aria-label="Payload">
              {JSON.stringify(event.payload, null, 2)}
            </pre>
          </CardContent>
        </Card>
      ) : null}
      <Table aria-label="Stripe events">
        <TableColumns columns={["Received", "Event", "Type", "Status", "Attempts", "Last error", "Tenant"]} />
        <TableBody>
          {list.rows.map((e) => (
            <TableRow key={e.id} className="align-top" data-event-id={e.id}>
              <TableCell>{when(e.receivedAt)}</TableCell>
              <TableCell className="font-mono text-xs">
                <Link href={hrefWith("/admin/stripe-events", sp, { event: e.id })} className="underline-offset-4 hover:underline">
                  {e.id}
                </Link>
              </TableCell>
              <TableCell>{e.type}</TableCell>
              <TableCell>
                <StatusBadge status={e.status} />
              </TableCell>
              <TableCell>{e.attempts}</TableCell>
              <TableCell className="max-w-xs break-words text-xs">{e.lastError}</TableCell>
              <TableCell>
                {e.resolvedTenantId ? (
                  <Link href={`/admin/tenants/${e.resolvedTenantId}`} className="underline">
                    open
                  </Link>
                ) : null}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {list.rows.length === 0 ? <p className="py-4 text-sm text-muted-foreground">No event matches.</p> : null}
      <Pager path="/admin/stripe-events" sp={sp} page={list.page} total={list.total} pageSize={list.pageSize} hasMore={list.page * list.pageSize < list.total} />
    </>
  );
}
