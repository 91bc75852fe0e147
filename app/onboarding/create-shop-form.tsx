"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import { formatPrice } from "@/lib/format-price";
import { slugify } from "@/lib/slug";
import { useTRPC } from "@/lib/trpc/client";

type PlanChoice = "trial" | "starter" | "pro" | "museum";

const isPlanChoice = (id: string): id is PlanChoice => ["trial", "starter", "pro", "museum"].includes(id);

export function CreateShopForm({ plans }: { plans: { id: string; name: string; monthlyPrice: string; currency: string }[] }) {
  const planChoices = plans.flatMap((p) =>
    isPlanChoice(p.id) ? [{ id: p.id, name: p.name, price: p.id === "trial" ? "Free" : `${formatPrice(p.monthlyPrice, p.currency)} / month` }] : [],
  );
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const [plan, setPlan] = useState<PlanChoice>("trial");
  const checkout = useMutation(
    trpc.subscriptions.startCheckout.mutationOptions({
      onSuccess: ({ url }) => window.location.assign(url),
    }),
  );
  const create = useMutation(
    trpc.tenants.create.mutationOptions({
      // Free trial: the shop is ready now. Paid plan: it stays pending until Stripe Checkout is paid.
      onSuccess: (tenant) => {
        if (plan === "trial") router.push(`/dashboard/${tenant.slug}`);
        else
          checkout.mutate(
            { tenantSlug: tenant.slug, plan },
            { onError: () => router.push(`/dashboard/${tenant.slug}/billing`) },
          );
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const pending = create.isPending || checkout.isPending || (create.isSuccess && plan !== "trial");
  const effectiveSlug = slugEdited ? slug : slugify(name);
  return (
    <form
      className="grid gap-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ name, slug: effectiveSlug || undefined, plan });
      }}
    >
      {create.error && !Object.keys(fe).length ? <Alert variant="error">{messageOf(create.error)}</Alert> : null}
      <FormField id="shop-name" label="Shop name" value={name} onChange={(e) => setName(e.target.value)} required error={fe.name} placeholder="Atlas Ceramics" />
      <FormField
        id="shop-slug"
        label="Shop address"
        value={effectiveSlug}
        onChange={(e) => {
          setSlugEdited(true);
          setSlug(e.target.value);
        }}
        hint={`Your storefront will live at /s/${effectiveSlug || "your-shop"}`}
        error={fe.slug}
      />
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">Plan</legend>
        {planChoices.map((p) => (
          <label key={p.id} className="flex cursor-pointer items-center gap-3 rounded-md border px-3 py-2 text-sm has-[:checked]:border-primary">
            <input type="radio" name="plan" value={p.id} checked={plan === p.id} onChange={() => setPlan(p.id)} />
            <span className="flex-1 font-medium">{p.name}</span>
            <span className="text-muted-foreground">{p.price}</span>
          </label>
        ))}
        <p className="text-xs text-muted-foreground">Paid plans go to Stripe Checkout; you can change plans later in Billing.</p>
      </fieldset>
      <Button type="submit" pending={pending}>
        Create shop
      </Button>
    </form>
  );
}
