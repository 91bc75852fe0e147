"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { GripVertical, Loader2, Plus } from "lucide-react";
import Link from "next/link";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatPrice } from "@/lib/format-price";
import { messageOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/client";
import type { ProductStatus } from "@/server/db/schema";
import { StatusBadge } from "./status-badge";

type Props = { tenantSlug: string; canEdit: boolean; defaultCurrency: string };

const selectClass = "h-10 rounded-md border border-border bg-background px-3 text-sm";

export function ProductTable({ tenantSlug, canEdit, defaultCurrency }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<ProductStatus | "">("");
  const [categoryId, setCategoryId] = useState("");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dragId, setDragId] = useState<string | null>(null);
  const [order, setOrder] = useState<string[] | null>(null);

  const filters = { tenantSlug, search: search || undefined, status: status || undefined, categoryId: categoryId || undefined, limit: 50 };
  const products = useInfiniteQuery(trpc.catalog.listProducts.infiniteQueryOptions(filters, { getNextPageParam: (last) => last.nextCursor }));
  const cats = useQuery(trpc.catalog.listCategories.queryOptions({ tenantSlug }));
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.catalog.listProducts.pathKey() });

  const setStatusMutation = useMutation(
    trpc.catalog.setProductStatus.mutationOptions({
      onSuccess: (r, v) => {
        toast.success(`${r.count} product${r.count === 1 ? "" : "s"} ${v.status === "published" ? "published" : v.status === "archived" ? "archived" : "moved to draft"}`);
        setSelected(new Set());
        void invalidate();
      },
      onError: (e) => toast.error(messageOf(e)),
    }),
  );
  const reorder = useMutation(
    trpc.catalog.reorderProducts.mutationOptions({
      onSuccess: () => {
        toast.success("Order saved");
        setOrder(null);
        void invalidate();
      },
      onError: (e) => {
        setOrder(null);
        toast.error(messageOf(e));
      },
    }),
  );

  const loaded = useMemo(() => products.data?.pages.flatMap((p) => p.items) ?? [], [products.data]);
  const rows = order ? order.map((id) => loaded.find((p) => p.id === id)).filter((p) => p !== undefined) : loaded;
  // Drag reordering rewrites positions of the listed rows, so it is offered only on the full, unfiltered list.
  const canReorder = canEdit && !search && !status && !categoryId && !products.hasNextPage;
  const allSelected = rows.length > 0 && rows.every((p) => selected.has(p.id));

  function bulk(next: ProductStatus) {
    const ids = [...selected];
    if (next === "archived" && !window.confirm(`Archive ${ids.length} product${ids.length === 1 ? "" : "s"}? They disappear from the storefront.`)) return;
    setStatusMutation.mutate({ tenantSlug, ids, status: next });
  }

  function onDrop(targetId: string) {
    if (!dragId || dragId === targetId) return;
    const ids = rows.map((p) => p.id);
    const from = ids.indexOf(dragId);
    const to = ids.indexOf(targetId);
    ids.splice(to, 0, ...ids.splice(from, 1));
    setOrder(ids);
    setDragId(null);
    reorder.mutate({ tenantSlug, ids });
  }

  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="grid gap-1.5">
          <label htmlFor="product-search" className="text-sm font-medium">
            Search
          </label>
          <Input id="product-search" type="search" placeholder="Name or SKU" value={search} onChange={(e) => setSearch(e.target.value)} className="w-56" />
        </div>
        <div className="grid gap-1.5">
          <label htmlFor="status-filter" className="text-sm font-medium">
            Status
          </label>
          <select id="status-filter" className={selectClass} value={status} onChange={(e) => setStatus(e.target.value as ProductStatus | "")}>
            <option value="">All</option>
            <option value="draft">Draft</option>
            <option value="published">Published</option>
            <option value="archived">Archived</option>
          </select>
        </div>
        <div className="grid gap-1.5">
          <label htmlFor="category-filter" className="text-sm font-medium">
            Category
          </label>
          <select id="category-filter" className={selectClass} value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
            <option value="">All</option>
            {cats.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="ml-auto flex gap-2">
          {canEdit ? (
            <Button asChild>
              <Link href={`/dashboard/${tenantSlug}/catalog/new`}>
                <Plus aria-hidden /> New product
              </Link>
            </Button>
          ) : null}
        </div>
      </div>

      {canEdit && selected.size > 0 ? (
        <div className="flex items-center gap-2 rounded-md border bg-muted/50 px-3 py-2 text-sm" role="region" aria-label="Bulk actions">
          <span>{selected.size} selected</span>
          <Button size="sm" onClick={() => bulk("published")} disabled={setStatusMutation.isPending}>
            Publish
          </Button>
          <Button size="sm" variant="outline" onClick={() => bulk("draft")} disabled={setStatusMutation.isPending}>
            Unpublish
          </Button>
          <Button size="sm" variant="destructive" onClick={() => bulk("archived")} disabled={setStatusMutation.isPending}>
            Archive
          </Button>
        </div>
      ) : null}

      {products.isError ? <Alert variant="error">{messageOf(products.error)}</Alert> : null}
      {products.isPending ? (
        <p className="flex items-center gap-2 text-sm text-muted-foreground">
          <Loader2 className="size-4 animate-spin" aria-hidden /> Loading products…
        </p>
      ) : rows.length === 0 ? (
        <div className="rounded-xl border border-dashed p-10 text-center text-muted-foreground">
          {search || status || categoryId ? "No products match these filters." : "No products yet. Create your first one."}
        </div>
      ) : (
        <Table containerClassName="rounded-xl border">
          <TableHeader className="bg-muted/50">
            <TableRow>
              {canEdit ? (
                <TableHead className="w-10 p-3">
                  <input type="checkbox" aria-label="Select all" checked={allSelected} onChange={(e) => setSelected(e.target.checked ? new Set(rows.map((p) => p.id)) : new Set())} />
                </TableHead>
              ) : null}
              {canReorder ? <TableHead className="w-8 p-3"><span className="sr-only">Reorder</span></TableHead> : null}
              <TableHead className="w-16 p-3"><span className="sr-only">Image</span></TableHead>
              <TableHead className="p-3">Name</TableHead>
              <TableHead className="p-3">SKU</TableHead>
              <TableHead className="p-3">Category</TableHead>
              <TableHead numeric className="p-3">Price</TableHead>
              <TableHead className="p-3">Status</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((p) => (
              <TableRow
                key={p.id}
                draggable={canReorder}
                onDragStart={() => setDragId(p.id)}
                onDragOver={(e) => canReorder && e.preventDefault()}
                onDrop={() => onDrop(p.id)}
                data-testid="product-row"
              >
                {canEdit ? (
                  <TableCell className="p-3">
                    <input
                      type="checkbox"
                      aria-label={`Select ${p.name}`}
                      checked={selected.has(p.id)}
                      onChange={(e) => {
                        const next = new Set(selected);
                        if (e.target.checked) next.add(p.id);
                        else next.delete(p.id);
                        setSelected(next);
                      }}
                    />
                  </TableCell>
                ) : null}
                {canReorder ? (
                  <TableCell className="cursor-grab p-3 text-muted-foreground" title="Drag to reorder">
                    <GripVertical className="size-4" aria-hidden />
                  </TableCell>
                ) : null}
                <TableCell className="p-3">
                  {p.thumbnailUrl ? (
                    // eslint-disable-next-line @next/next/no-img-element -- media served from the S3 bucket
                    <img src={p.thumbnailUrl} alt="" className="size-10 rounded object-cover" />
                  ) : (
                    <div className="size-10 rounded bg-muted" aria-hidden />
                  )}
                </TableCell>
                <TableCell className="p-3 font-medium">
                  <Link href={`/dashboard/${tenantSlug}/catalog/${p.id}`} className="hover:underline">
                    {p.name}
                  </Link>
                </TableCell>
                <TableCell className="p-3 text-muted-foreground">{p.sku ?? "—"}</TableCell>
                <TableCell className="p-3 text-muted-foreground">{p.categoryName ?? "—"}</TableCell>
                <TableCell numeric className="p-3">{formatPrice(p.price, p.currency ?? defaultCurrency)}</TableCell>
                <TableCell className="p-3">
                  <StatusBadge status={p.status} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {products.hasNextPage ? (
        <Button variant="outline" onClick={() => void products.fetchNextPage()} pending={products.isFetchingNextPage}>
          Load more
        </Button>
      ) : null}
    </div>
  );
}
