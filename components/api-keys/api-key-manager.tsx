"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Copy } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { InlineConfirm } from "@/components/ui/inline-confirm";
import { FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { QueryState } from "@/components/ui/query-state";
import { Table, TableBody, TableCell, TableColumns, TableRow } from "@/components/ui/table";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/client";
import type { ApiKeyScope, ApiKeySummary } from "@/server/domain/api-keys";

const scopeLabels: Record<ApiKeyScope, string> = {
  "usage:write": "usage:write — report usage events",
  "catalog:read": "catalog:read — read products and categories",
  "catalog:write": "catalog:write — change the catalog",
  admin: "admin — everything an admin may do",
};
const expiries = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "never", label: "Never" },
];
const selectClass = "h-10 w-full rounded-md border border-border bg-background px-3 text-sm";
const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const when = (d: Date | null) => (d ? `${dateFormat.format(d)} UTC` : "—");

/**
 * Create, list and revoke API keys: a shop's (tenantSlug set) or the platform's service keys.
 * A new key is shown once, with a copy button; the list shows only its prefix.
 */
export function ApiKeyManager({ tenantSlug, scopes }: { tenantSlug?: string; scopes: readonly ApiKeyScope[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(tenantSlug ? trpc.apiKeys.list.queryOptions({ tenantSlug }) : trpc.apiKeys.platformList.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: tenantSlug ? trpc.apiKeys.list.queryKey({ tenantSlug }) : trpc.apiKeys.platformList.queryKey() });
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<ApiKeyScope[]>([scopes[0]!]);
  const [expiry, setExpiry] = useState("90");
  const [created, setCreated] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const onCreated = ({ key }: { key: string }) => {
    setCreated(key);
    setName("");
    void refresh();
  };
  const createShop = useMutation(trpc.apiKeys.create.mutationOptions({ onSuccess: onCreated }));
  const createPlatform = useMutation(trpc.apiKeys.platformCreate.mutationOptions({ onSuccess: onCreated }));
  const create = tenantSlug ? createShop : createPlatform;
  const onRevoked = () => {
    toast.success("Key revoked");
    setConfirming(null);
    void refresh();
  };
  const revokeShop = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: onRevoked, onError: (e) => toast.error(messageOf(e)) }));
  const revokePlatform = useMutation(trpc.apiKeys.platformRevoke.mutationOptions({ onSuccess: onRevoked, onError: (e) => toast.error(messageOf(e)) }));
  const fe = fieldErrorsOf(create.error);

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const input = { name, scopes: chosen, expiresInDays: expiry === "never" ? null : Number(expiry) };
    if (tenantSlug) createShop.mutate({ tenantSlug, ...input });
    else createPlatform.mutate(input);
  }

  function revoke(keyId: string) {
    if (tenantSlug) revokeShop.mutate({ tenantSlug, keyId });
    else revokePlatform.mutate({ keyId });
  }

  return (
    <div className="grid gap-8">
      {created ? (
        <Alert variant="success" data-testid="new-api-key">
          <p className="mb-2 font-medium">Copy your new key now: it will not be shown again.</p>
          <div className="flex flex-wrap items-center gap-2">
            <code className="rounded bg-background px-2 py-1 font-mono text-xs break-all text-foreground" data-testid="new-api-key-value">
              {created}
            </code>
            <Button
              type="button"
              size="sm"
              variant="outline"
              onClick={() => void navigator.clipboard?.writeText(created).then(() => toast.success("Copied"), () => toast.error("Copy failed; select the key instead"))}
            >
              <Copy className="size-4" aria-hidden /> Copy
            </Button>
            <Button type="button" size="sm" variant="ghost" onClick={() => setCreated(null)}>
              Done
            </Button>
          </div>
        </Alert>
      ) : null}

      <form className="grid max-w-xl gap-4" noValidate onSubmit={submit} aria-labelledby="create-key-heading">
        <h2 id="create-key-heading" className="text-lg font-semibold">
          Create a key
        </h2>
        <FormField id="key-name" label="Name" value={name} onChange={(e) => setName(e.target.value)} error={fe.name} hint="Where it is used, e.g. “Warehouse sync”." required />
        <fieldset className="grid gap-2" aria-describedby={fe.scopes ? "key-scopes-error" : undefined}>
          <legend className="mb-1 text-sm font-medium">Scopes</legend>
          {scopes.map((s) => (
            <label key={s} className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={chosen.includes(s)} onChange={(e) => setChosen(e.target.checked ? [...chosen, s] : chosen.filter((c) => c !== s))} />
              {scopeLabels[s]}
            </label>
          ))}
          {fe.scopes ? (
            <p id="key-scopes-error" className="text-xs text-destructive">
              {fe.scopes}
            </p>
          ) : null}
        </fieldset>
        <div className="grid gap-1.5">
          <Label htmlFor="key-expiry">Expires after</Label>
          <select id="key-expiry" className={selectClass} value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            {expiries.map((x) => (
              <option key={x.value} value={x.value}>
                {x.label}
              </option>
            ))}
          </select>
        </div>
        {create.error && !Object.keys(fe).length ? <Alert variant="error">{messageOf(create.error)}</Alert> : null}
        <div>
          <Button type="submit" pending={create.isPending}>
            Create key
          </Button>
        </div>
      </form>

      <section aria-labelledby="keys-heading" className="grid gap-3">
        <h2 id="keys-heading" className="text-lg font-semibold">
          Keys
        </h2>
        <QueryState query={list} what="keys" empty="No keys yet. Create one above to call the API.">
          {(keys) => (
            <Table data-testid="api-keys-table">
              <TableColumns columns={["Name", "Key", "Scopes", "Last used", "Expires", "Status", { label: "Actions", srOnly: true }]} />
              <TableBody>
                {keys.map((k: ApiKeySummary) => (
                  <TableRow key={k.id} className="align-top">
                    <TableCell>{k.name}</TableCell>
                    <TableCell className="font-mono text-xs">{k.prefix}…</TableCell>
                    <TableCell className="text-xs">{k.scopes.join(", ")}</TableCell>
                    <TableCell className="text-xs">{when(k.lastUsedAt)}</TableCell>
                    <TableCell className="text-xs">{k.expiresAt ? when(k.expiresAt) : "never"}</TableCell>
                    <TableCell>
                      <Badge variant={k.status === "active" ? "success" : k.status === "expired" ? "warning" : "muted"}>{k.status}</Badge>
                    </TableCell>
                    <TableCell className="text-right">
                      {k.status === "revoked" ? null : confirming === k.id ? (
                        <InlineConfirm
                          label={`Confirm revoking ${k.name}`}
                          action="Confirm revoke"
                          pending={revokeShop.isPending || revokePlatform.isPending}
                          onConfirm={() => revoke(k.id)}
                          onCancel={() => setConfirming(null)}
                        />
                      ) : (
                        <Button type="button" size="sm" variant="outline" onClick={() => setConfirming(k.id)} aria-label={`Revoke ${k.name}`}>
                          Revoke
                        </Button>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </QueryState>
      </section>
    </div>
  );
}
