"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/client";

type Props = {
  tenantSlug: string;
  initial: { name: string; defaultCurrency: string; brandColor: string | null };
  canEdit: boolean;
  currencies: string[];
};

export function ShopSettingsForm({ tenantSlug, initial, canEdit, currencies }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState(initial.name);
  const [currency, setCurrency] = useState(initial.defaultCurrency);
  const [color, setColor] = useState(initial.brandColor ?? "#0f766e");
  const save = useMutation(
    trpc.tenants.updateSettings.mutationOptions({
      onSuccess: () => {
        toast.success("Settings saved");
        router.refresh(); // the shell shows the new name
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  return (
    <form
      className="grid max-w-lg gap-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ tenantSlug, name, defaultCurrency: currency, brandColor: color });
      }}
    >
      {!canEdit ? <Alert>Only owners and admins can change these settings.</Alert> : null}
      {save.error && !Object.keys(fe).length ? <Alert variant="error">{messageOf(save.error)}</Alert> : null}
      <fieldset disabled={!canEdit || save.isPending} className="grid gap-4">
        <FormField id="shop-name" label="Shop name" value={name} onChange={(e) => setName(e.target.value)} required error={fe.name} />
        <FormField
          id="default-currency"
          label="Default currency"
          value={currency}
          onChange={(e) => setCurrency(e.target.value.toUpperCase())}
          list="currency-codes"
          maxLength={3}
          hint="ISO 4217 code, used for products without their own currency."
          error={fe.defaultCurrency}
        />
        <datalist id="currency-codes">
          {currencies.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <div className="grid gap-1.5">
          <Label htmlFor="brand-color">Brand colour</Label>
          <div className="flex items-center gap-3">
            <input id="brand-color" type="color" value={color} onChange={(e) => setColor(e.target.value)} className="h-10 w-14 cursor-pointer rounded border bg-background" />
            <code className="text-sm text-muted-foreground">{color}</code>
          </div>
          {fe.brandColor ? <p className="text-xs text-destructive">{fe.brandColor}</p> : null}
        </div>
      </fieldset>
      {canEdit ? (
        <div>
          <Button type="submit" pending={save.isPending}>
            Save settings
          </Button>
        </div>
      ) : null}
    </form>
  );
}
