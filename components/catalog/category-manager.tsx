"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { GripVertical, Trash2 } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/client";

const selectClass = "h-10 w-full rounded-md border border-border bg-background px-3 text-sm";

export function CategoryManager({ tenantSlug, canEdit }: { tenantSlug: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cats = useQuery(trpc.catalog.listCategories.queryOptions({ tenantSlug }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.catalog.listCategories.queryKey({ tenantSlug }) });
  const [name, setName] = useState("");
  const [parentId, setParentId] = useState("");
  const [dragId, setDragId] = useState<string | null>(null);
  const create = useMutation(
    trpc.catalog.createCategory.mutationOptions({
      onSuccess: (c) => {
        toast.success(`Category “${c.name}” created`);
        setName("");
        setParentId("");
        void refresh();
      },
    }),
  );
  const remove = useMutation(trpc.catalog.deleteCategory.mutationOptions({ onSuccess: () => void refresh(), onError: (e) => toast.error(messageOf(e)) }));
  const reorder = useMutation(trpc.catalog.reorderCategories.mutationOptions({ onSuccess: () => void refresh(), onError: (e) => toast.error(messageOf(e)) }));
  const fe = fieldErrorsOf(create.error);
  const byId = new Map(cats.data?.map((c) => [c.id, c]) ?? []);

  function onDrop(targetId: string) {
    const ids = cats.data?.map((c) => c.id) ?? [];
    if (!dragId || dragId === targetId) return;
    ids.splice(ids.indexOf(targetId), 0, ...ids.splice(ids.indexOf(dragId), 1));
    setDragId(null);
    reorder.mutate({ tenantSlug, ids });
  }

  return (
    <div className="grid gap-6">
      {canEdit ? (
        <form
          className="grid max-w-xl gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ tenantSlug, name, parentId: parentId || null });
          }}
        >
          <FormField id="category-name" label="Category name" value={name} onChange={(e) => setName(e.target.value)} error={fe.name ?? fe.slug} />
          <div className="grid gap-1.5">
            <Label htmlFor="category-parent">Parent</Label>
            <select id="category-parent" className={selectClass} value={parentId} onChange={(e) => setParentId(e.target.value)}>
              <option value="">None (top level)</option>
              {cats.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <Button type="submit" pending={create.isPending}>
            Add category
          </Button>
          {create.error && !Object.keys(fe).length ? <Alert variant="error" className="sm:col-span-3">{messageOf(create.error)}</Alert> : null}
        </form>
      ) : null}
      {cats.isError ? <Alert variant="error">{messageOf(cats.error)}</Alert> : null}
      {cats.isPending ? (
        <p className="text-sm text-muted-foreground">Loading categories…</p>
      ) : !cats.data?.length ? (
        <div className="rounded-xl border border-dashed p-8 text-center text-muted-foreground">No categories yet.</div>
      ) : (
        <ul className="divide-y rounded-xl border" aria-label="Categories">
          {cats.data.map((c) => (
            <li key={c.id} className="flex items-center gap-3 px-4 py-3 text-sm" draggable={canEdit} onDragStart={() => setDragId(c.id)} onDragOver={(e) => canEdit && e.preventDefault()} onDrop={() => onDrop(c.id)}>
              {canEdit ? <GripVertical className="size-4 cursor-grab text-muted-foreground" aria-hidden /> : null}
              <span className="font-medium">{c.name}</span>
              <span className="text-muted-foreground">/{c.slug}</span>
              {c.parentId ? <span className="text-xs text-muted-foreground">in {byId.get(c.parentId)?.name}</span> : null}
              <span className="ml-auto text-xs text-muted-foreground">
                {c.productCount} product{c.productCount === 1 ? "" : "s"}
              </span>
              {canEdit ? (
                <Button
                  variant="ghost"
                  size="icon"
                  aria-label={`Delete ${c.name}`}
                  onClick={() => window.confirm(`Delete “${c.name}”? Its products become uncategorised.`) && remove.mutate({ tenantSlug, id: c.id })}
                >
                  <Trash2 className="text-destructive" aria-hidden />
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
