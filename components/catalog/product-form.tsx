"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { AiWritingPanel, type AiDraftKind } from "@/components/catalog/ai-writing";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { currencyDigits } from "@/lib/format-price";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/client";
import type { Product, ProductStatus } from "@/server/db/schema";

type Props = {
  tenantSlug: string;
  canEdit: boolean;
  defaultCurrency: string;
  product?: Product;
  /** Editing only (a draft needs the saved product): null when AI is on, else how to turn it on. */
  aiOffMessage?: string | null;
};

const selectClass = "h-10 w-full rounded-md border border-border bg-background px-3 text-sm";

/** Create or edit a product. A new product opens its edit page after saving, where images can be added. */
export function ProductForm({ tenantSlug, canEdit, defaultCurrency, product, aiOffMessage = null }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const cats = useQuery(trpc.catalog.listCategories.queryOptions({ tenantSlug }));
  const [form, setForm] = useState({
    name: product?.name ?? "",
    slug: product?.slug ?? "",
    price: product?.price ?? "",
    currency: product?.currency ?? "",
    status: (product?.status ?? "draft") as ProductStatus,
    categoryId: product?.categoryId ?? "",
    sku: product?.sku ?? "",
    stock: product?.stock === null || product?.stock === undefined ? "" : String(product.stock),
    featured: product?.featured ?? false,
    description: product?.description ?? "",
    seoTitle: product?.seoTitle ?? "",
    seoDescription: product?.seoDescription ?? "",
  });
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => setForm((f) => ({ ...f, [key]: value }));
  const [drafting, setDrafting] = useState(false);
  const [beforeDraft, setBeforeDraft] = useState<Pick<typeof form, "description" | "seoTitle" | "seoDescription"> | null>(null);

  /** A streamed draft goes into the fields as editable text: the description, or the SEO title (line 1) and description (the rest). */
  function applyDraft(kind: AiDraftKind, text: string) {
    if (kind === "description") return set("description", text);
    const at = text.indexOf("\n");
    setForm((f) => ({ ...f, seoTitle: (at === -1 ? text : text.slice(0, at)).trim(), seoDescription: at === -1 ? "" : text.slice(at + 1).trim() }));
  }

  const create = useMutation(
    trpc.catalog.createProduct.mutationOptions({
      onSuccess: (p) => {
        toast.success("Product created");
        router.push(`/dashboard/${tenantSlug}/catalog/${p.id}`);
      },
    }),
  );
  const update = useMutation(
    trpc.catalog.updateProduct.mutationOptions({
      onSuccess: () => {
        toast.success("Product saved");
        router.refresh();
      },
    }),
  );
  const mutation = product ? update : create;
  const priceHint = digitsHint(form.currency.trim() || defaultCurrency);
  const fe = fieldErrorsOf(mutation.error);

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const stock = form.stock.trim() === "" ? null : Number(form.stock);
    const payload = {
      tenantSlug,
      name: form.name,
      price: form.price,
      currency: form.currency.trim() ? form.currency : null,
      status: form.status,
      categoryId: form.categoryId || null,
      sku: form.sku.trim() || null,
      stock: stock !== null && Number.isFinite(stock) ? stock : null,
      featured: form.featured,
      description: form.description,
      seoTitle: form.seoTitle,
      seoDescription: form.seoDescription,
    };
    if (product) update.mutate({ ...payload, id: product.id, slug: form.slug || undefined });
    else create.mutate({ ...payload, slug: form.slug || undefined });
  }

  return (
    <form className="grid max-w-2xl gap-4" noValidate onSubmit={submit}>
      {!canEdit ? <Alert>Viewers can see products but not change them.</Alert> : null}
      {mutation.error && !Object.keys(fe).length ? <Alert variant="error">{messageOf(mutation.error)}</Alert> : null}
      <fieldset disabled={!canEdit || mutation.isPending} className="grid gap-4">
        <FormField id="product-name" label="Name" value={form.name} onChange={(e) => set("name", e.target.value)} required error={fe.name} />
        <FormField id="product-slug" label="Slug" value={form.slug} onChange={(e) => set("slug", e.target.value)} hint="Part of the product's address. Left empty, it is made from the name." error={fe.slug} />
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField id="product-price" label="Price" inputMode="decimal" value={form.price} onChange={(e) => set("price", e.target.value)} required hint={priceHint} error={fe.price} />
          <FormField
            id="product-currency"
            label="Currency"
            value={form.currency}
            onChange={(e) => set("currency", e.target.value.toUpperCase())}
            maxLength={3}
            placeholder={defaultCurrency}
            hint={`Empty: the shop's default (${defaultCurrency}).`}
            error={fe.currency}
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="grid gap-1.5">
            <Label htmlFor="product-status">Status</Label>
            <select id="product-status" className={selectClass} value={form.status} onChange={(e) => set("status", e.target.value as ProductStatus)}>
              <option value="draft">Draft</option>
              <option value="published">Published</option>
              <option value="archived">Archived</option>
            </select>
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="product-category">Category</Label>
            <select id="product-category" className={selectClass} value={form.categoryId} onChange={(e) => set("categoryId", e.target.value)} aria-invalid={fe.categoryId ? true : undefined}>
              <option value="">No category</option>
              {cats.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            {fe.categoryId ? <p className="text-xs text-destructive">{fe.categoryId}</p> : null}
          </div>
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField id="product-sku" label="SKU" value={form.sku} onChange={(e) => set("sku", e.target.value)} error={fe.sku} />
          <FormField id="product-stock" label="Stock" type="number" min={0} value={form.stock} onChange={(e) => set("stock", e.target.value)} hint="Empty: not tracked." error={fe.stock} />
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={form.featured} onChange={(e) => set("featured", e.target.checked)} /> Featured on the storefront home
        </label>
        <div className="grid gap-1.5">
          <Label htmlFor="product-description">Description (Markdown)</Label>
          <textarea
            id="product-description"
            rows={8}
            className="rounded-md border border-border bg-background px-3 py-2 text-sm"
            value={form.description}
            onChange={(e) => set("description", e.target.value)}
            aria-invalid={fe.description ? true : undefined}
          />
          {fe.description ? <p className="text-xs text-destructive">{fe.description}</p> : null}
        </div>
        <FormField
          id="product-seo-title"
          label="SEO title"
          value={form.seoTitle}
          onChange={(e) => set("seoTitle", e.target.value)}
          hint="The page title search engines show (about 60 characters). Empty: the product's name."
          error={fe.seoTitle}
        />
        <div className="grid gap-1.5">
          <Label htmlFor="product-seo-description">SEO description</Label>
          <textarea
            id="product-seo-description"
            rows={2}
            className="rounded-md border border-border bg-background px-3 py-2 text-sm"
            value={form.seoDescription}
            onChange={(e) => set("seoDescription", e.target.value)}
            aria-invalid={fe.seoDescription ? true : undefined}
          />
          {fe.seoDescription ? <p className="text-xs text-destructive">{fe.seoDescription}</p> : <p className="text-xs text-muted-foreground">The snippet under the title in search results (about 155 characters). Empty: the description&apos;s start.</p>}
        </div>
      </fieldset>
      {product && canEdit ? (
        <AiWritingPanel
          tenantSlug={tenantSlug}
          productId={product.id}
          offMessage={aiOffMessage}
          disabled={mutation.isPending}
          onBusyChange={setDrafting}
          onStart={() => setBeforeDraft({ description: form.description, seoTitle: form.seoTitle, seoDescription: form.seoDescription })}
          onText={applyDraft}
          onUndo={(kind) => {
            if (!beforeDraft) return;
            if (kind === "description") set("description", beforeDraft.description);
            else setForm((f) => ({ ...f, seoTitle: beforeDraft.seoTitle, seoDescription: beforeDraft.seoDescription }));
          }}
        />
      ) : null}
      {canEdit ? (
        <div>
          <Button type="submit" pending={mutation.isPending} disabled={drafting}>
            {product ? "Save product" : "Create product"}
          </Button>
        </div>
      ) : null}
    </form>
  );
}

/** The price field's hint: the currency's own minor digits (JPY none, EUR 2, KWD 3), as the server checks them. */
function digitsHint(currency: string): string {
  try {
    const digits = currencyDigits(currency.toUpperCase());
    const example = digits === 0 ? "1200" : `12.${"5".padEnd(digits, "0")}`;
    return digits === 0 ? `${currency.toUpperCase()}: whole amounts, e.g. ${example}` : `${currency.toUpperCase()}: up to ${digits} decimals, e.g. ${example}`;
  } catch {
    // Not a currency code (yet, while typing): the general rule.
    return "Up to the currency's decimals, e.g. 12.50";
  }
}
