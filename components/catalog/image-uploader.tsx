"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { GripVertical, Loader2, Trash2, Upload } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { messageOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/client";

const accepted = ["image/jpeg", "image/png", "image/webp", "image/avif", "image/gif"];

type Progress = { name: string; percent: number; error?: string };

/** PUT with upload progress (fetch has no upload progress events). */
function putWithProgress(url: string, file: File, contentType: string, onProgress: (percent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.setRequestHeader("content-type", contentType);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`Upload failed (${xhr.status})`)));
    xhr.onerror = () => reject(new Error("Upload failed: storage unreachable"));
    xhr.send(file);
  });
}

function imageSize(file: File): Promise<{ width: number; height: number } | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => {
      resolve({ width: img.naturalWidth, height: img.naturalHeight });
      URL.revokeObjectURL(url);
    };
    img.onerror = () => {
      resolve(null);
      URL.revokeObjectURL(url);
    };
    img.src = url;
  });
}

/**
 * Images go straight from the browser to S3: 1. ask for a presigned PUT,
 * 2. upload with progress, 3. confirm (the server checks size and type by HEAD).
 */
export function ImageUploader({ tenantSlug, productId, canEdit, maxBytes }: { tenantSlug: string; productId: string; canEdit: boolean; maxBytes: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const images = useQuery(trpc.media.list.queryOptions({ tenantSlug, productId }));
  const [uploads, setUploads] = useState<Progress[]>([]);
  const [dragId, setDragId] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.media.list.queryKey({ tenantSlug, productId }) });
  const createUpload = useMutation(trpc.media.createUpload.mutationOptions());
  const confirm = useMutation(trpc.media.confirm.mutationOptions());
  const remove = useMutation(trpc.media.delete.mutationOptions({ onSuccess: () => void refresh(), onError: (e) => toast.error(messageOf(e)) }));
  const reorder = useMutation(trpc.media.reorder.mutationOptions({ onSuccess: () => void refresh(), onError: (e) => toast.error(messageOf(e)) }));

  async function upload(files: FileList) {
    const list = [...files];
    setUploads(list.map((f) => ({ name: f.name, percent: 0 })));
    await Promise.all(
      list.map(async (file, i) => {
        const update = (p: Partial<Progress>) => setUploads((u) => u.map((x, j) => (j === i ? { ...x, ...p } : x)));
        try {
          const size = await imageSize(file);
          const { asset, uploadUrl } = await createUpload.mutateAsync({ tenantSlug, productId, filename: file.name, contentType: file.type, bytes: file.size, width: size?.width ?? null, height: size?.height ?? null });
          await putWithProgress(uploadUrl, file, file.type, (percent) => update({ percent }));
          await confirm.mutateAsync({ tenantSlug, id: asset.id });
          update({ percent: 100 });
        } catch (error) {
          update({ error: error instanceof Error && !("data" in error) ? error.message : messageOf(error) });
        }
      }),
    );
    await refresh();
    setUploads((u) => u.filter((x) => x.error));
  }

  function onDrop(targetId: string) {
    const ids = images.data?.map((m) => m.id) ?? [];
    if (!dragId || dragId === targetId) return;
    ids.splice(ids.indexOf(targetId), 0, ...ids.splice(ids.indexOf(dragId), 1));
    setDragId(null);
    reorder.mutate({ tenantSlug, productId, ids });
  }

  return (
    <div className="grid gap-4">
      {images.isError ? <Alert variant="error">{messageOf(images.error)}</Alert> : null}
      {images.isPending ? (
        <p className="text-sm text-muted-foreground">Loading images…</p>
      ) : images.data?.length ? (
        <ul className="flex flex-wrap gap-3" aria-label="Product images">
          {images.data.map((m, i) => (
            <li key={m.id} draggable={canEdit} onDragStart={() => setDragId(m.id)} onDragOver={(e) => canEdit && e.preventDefault()} onDrop={() => onDrop(m.id)} className="group relative">
              {/* eslint-disable-next-line @next/next/no-img-element -- media served from the S3 bucket */}
              <img src={m.url} alt={m.alt || `Image ${i + 1}`} className="size-28 rounded-lg border object-cover" />
              {canEdit ? (
                <div className="absolute inset-x-1 top-1 flex justify-between">
                  <span className="cursor-grab rounded bg-background/80 p-1" title="Drag to reorder">
                    <GripVertical className="size-4" aria-hidden />
                  </span>
                  <button
                    type="button"
                    className="rounded bg-background/80 p-1 text-destructive"
                    aria-label={`Delete image ${i + 1}`}
                    onClick={() => window.confirm("Delete this image?") && remove.mutate({ tenantSlug, id: m.id })}
                  >
                    <Trash2 className="size-4" aria-hidden />
                  </button>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-muted-foreground">No images yet.</p>
      )}
      {uploads.length ? (
        <ul className="grid gap-2" aria-label="Uploads">
          {uploads.map((u) => (
            <li key={u.name} className="text-sm">
              <div className="flex justify-between">
                <span>{u.name}</span>
                <span className={u.error ? "text-destructive" : "text-muted-foreground"}>{u.error ?? `${u.percent}%`}</span>
              </div>
              {!u.error ? <progress className="h-2 w-full" max={100} value={u.percent} aria-label={`Uploading ${u.name}`} /> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {canEdit ? (
        <div>
          <label className="inline-flex cursor-pointer items-center gap-2 rounded-md border px-4 py-2 text-sm font-medium hover:bg-muted focus-within:ring-2 focus-within:ring-ring">
            {createUpload.isPending || confirm.isPending ? <Loader2 className="size-4 animate-spin" aria-hidden /> : <Upload className="size-4" aria-hidden />}
            Upload images
            <input
              type="file"
              accept={accepted.join(",")}
              multiple
              className="sr-only"
              onChange={(e) => {
                if (e.target.files?.length) void upload(e.target.files);
                e.target.value = "";
              }}
            />
          </label>
          <p className="mt-1 text-xs text-muted-foreground">JPEG, PNG, WebP, AVIF or GIF, up to {Math.round(maxBytes / 1024 / 1024)} MB each.</p>
        </div>
      ) : null}
    </div>
  );
}
