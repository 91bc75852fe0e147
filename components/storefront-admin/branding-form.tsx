"use client";

import { useMutation } from "@tanstack/react-query";
import { Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/client";
import type { StorefrontBranding } from "@/server/domain/storefront";

const socials = ["website", "instagram", "facebook", "x", "tiktok"] as const;

export function BrandingForm({ tenantSlug, canEdit, initial }: { tenantSlug: string; canEdit: boolean; initial: StorefrontBranding }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [f, setF] = useState({
    title: initial.title ?? "",
    tagline: initial.tagline,
    logoUrl: initial.logoUrl ?? "",
    primaryColor: initial.primaryColor,
    accentColor: initial.accentColor,
    heroTitle: initial.heroTitle,
    heroText: initial.heroText,
    contactEmail: initial.contactEmail ?? "",
    contactPhone: initial.contactPhone ?? "",
    published: initial.published,
    social: Object.fromEntries(socials.map((s) => [s, initial.socialLinks[s] ?? ""])) as Record<(typeof socials)[number], string>,
  });
  const save = useMutation(
    trpc.storefront.update.mutationOptions({
      onSuccess: () => {
        toast.success("Storefront saved — live within seconds");
        router.refresh();
      },
    }),
  );
  const createUpload = useMutation(trpc.media.createUpload.mutationOptions());
  const confirmUpload = useMutation(trpc.media.confirm.mutationOptions());
  const [logoBusy, setLogoBusy] = useState(false);
  /** Logo: the same presigned flow as product images (no product), then its public URL goes into the form. */
  async function uploadLogo(file: File) {
    setLogoBusy(true);
    try {
      const { asset, uploadUrl } = await createUpload.mutateAsync({ tenantSlug, productId: null, filename: file.name, contentType: file.type, bytes: file.size, alt: "Logo" });
      const put = await fetch(uploadUrl, { method: "PUT", body: file, headers: { "content-type": file.type } });
      if (!put.ok) throw new Error(`Upload failed (${put.status})`);
      const ready = await confirmUpload.mutateAsync({ tenantSlug, id: asset.id });
      setF((prev) => ({ ...prev, logoUrl: ready.url }));
      toast.success("Logo uploaded — save to apply it");
    } catch (error) {
      toast.error(error instanceof Error && !("data" in error) ? error.message : messageOf(error));
    } finally {
      setLogoBusy(false);
    }
  }
  const fe = fieldErrorsOf(save.error);
  return (
    <form
      className="grid max-w-2xl gap-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({
          tenantSlug,
          title: f.title,
          tagline: f.tagline,
          logoUrl: f.logoUrl,
          primaryColor: f.primaryColor,
          accentColor: f.accentColor,
          heroTitle: f.heroTitle,
          heroText: f.heroText,
          contactEmail: f.contactEmail,
          contactPhone: f.contactPhone,
          published: f.published,
          socialLinks: f.social,
        });
      }}
    >
      {!canEdit ? <Alert>Viewers can see the branding but not change it.</Alert> : null}
      {save.error && !Object.keys(fe).length ? <Alert variant="error">{messageOf(save.error)}</Alert> : null}
      <fieldset disabled={!canEdit || save.isPending} className="grid gap-4">
        <FormField id="sf-title" label="Storefront title" value={f.title} onChange={(e) => setF({ ...f, title: e.target.value })} hint="Empty: your shop name." error={fe.title} />
        <FormField id="sf-tagline" label="Tagline" value={f.tagline} onChange={(e) => setF({ ...f, tagline: e.target.value })} error={fe.tagline} />
        <div className="grid gap-2 sm:grid-cols-[1fr_auto] sm:items-end">
          <FormField id="sf-logo" label="Logo URL" type="url" value={f.logoUrl} onChange={(e) => setF({ ...f, logoUrl: e.target.value })} error={fe.logoUrl} />
          <label className="inline-flex h-10 cursor-pointer items-center gap-2 rounded-md border px-4 text-sm font-medium hover:bg-muted focus-within:ring-2 focus-within:ring-ring">
            {logoBusy ? <Loader2 className="size-4 animate-spin" aria-hidden /> : null}
            Upload logo
            <input
              type="file"
              accept="image/jpeg,image/png,image/webp,image/avif,image/gif"
              className="sr-only"
              disabled={!canEdit || logoBusy}
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void uploadLogo(file);
                e.target.value = "";
              }}
            />
          </label>
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          {(["primaryColor", "accentColor"] as const).map((key) => (
            <div key={key} className="grid gap-1.5">
              <Label htmlFor={`sf-${key}`}>{key === "primaryColor" ? "Primary colour" : "Accent colour"}</Label>
              <div className="flex items-center gap-3">
                <input id={`sf-${key}`} type="color" value={f[key]} onChange={(e) => setF({ ...f, [key]: e.target.value })} className="h-10 w-14 cursor-pointer rounded border bg-background" />
                <code className="text-sm text-muted-foreground">{f[key]}</code>
              </div>
              {fe[key] ? <p className="text-xs text-destructive">{fe[key]}</p> : null}
            </div>
          ))}
        </div>
        <FormField id="sf-hero-title" label="Hero title" value={f.heroTitle} onChange={(e) => setF({ ...f, heroTitle: e.target.value })} error={fe.heroTitle} />
        <div className="grid gap-1.5">
          <Label htmlFor="sf-hero-text">Hero text</Label>
          <textarea id="sf-hero-text" rows={3} className="rounded-md border border-border bg-background px-3 py-2 text-sm" value={f.heroText} onChange={(e) => setF({ ...f, heroText: e.target.value })} />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField id="sf-email" label="Contact email" type="email" value={f.contactEmail} onChange={(e) => setF({ ...f, contactEmail: e.target.value })} error={fe.contactEmail} />
          <FormField id="sf-phone" label="Contact phone" value={f.contactPhone} onChange={(e) => setF({ ...f, contactPhone: e.target.value })} error={fe.contactPhone} />
        </div>
        <fieldset className="grid gap-3 sm:grid-cols-2">
          <legend className="mb-2 text-sm font-medium">Social links</legend>
          {socials.map((s) => (
            <FormField key={s} id={`sf-social-${s}`} label={s === "x" ? "X" : s[0]!.toUpperCase() + s.slice(1)} type="url" placeholder="https://" value={f.social[s]} onChange={(e) => setF({ ...f, social: { ...f.social, [s]: e.target.value } })} error={fe.socialLinks} />
          ))}
        </fieldset>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={f.published} onChange={(e) => setF({ ...f, published: e.target.checked })} /> Storefront is published (visible to the public)
        </label>
      </fieldset>
      {canEdit ? (
        <div>
          <Button type="submit" pending={save.isPending}>
            Save storefront
          </Button>
        </div>
      ) : null}
    </form>
  );
}
