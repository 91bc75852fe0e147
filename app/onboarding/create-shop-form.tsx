"use client";

import { useMutation } from "@tanstack/react-query";
import { Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import { slugify } from "@/lib/slug";
import { useTRPC } from "@/lib/trpc/client";

export function CreateShopForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const create = useMutation(
    trpc.tenants.create.mutationOptions({
      onSuccess: (tenant) => router.push(`/dashboard/${tenant.slug}`),
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const effectiveSlug = slugEdited ? slug : slugify(name);
  return (
    <form
      className="grid gap-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ name, slug: effectiveSlug || undefined });
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
      <Button type="submit" disabled={create.isPending}>
        {create.isPending ? <Loader2 className="animate-spin" aria-hidden /> : null}
        Create shop
      </Button>
    </form>
  );
}
