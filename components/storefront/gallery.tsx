"use client";

import { useState } from "react";
import { cn } from "@/lib/utils";

type Image = { url: string; alt: string; width: number | null; height: number | null };

/** Product gallery: one large image and thumbnail buttons that switch it. */
export function Gallery({ images, name }: { images: Image[]; name: string }) {
  const [index, setIndex] = useState(0);
  const current = images[index] ?? images[0];
  if (!current) return <div className="flex aspect-square items-center justify-center rounded-xl bg-muted text-muted-foreground">No image</div>;
  return (
    <div className="grid gap-3">
      <div className="aspect-square overflow-hidden rounded-xl bg-muted">
        {/* eslint-disable-next-line @next/next/no-img-element -- tenant S3 images on any host; see product-card.tsx */}
        <img src={current.url} alt={current.alt || name} width={current.width ?? undefined} height={current.height ?? undefined} className="size-full object-contain" />
      </div>
      {images.length > 1 ? (
        <ul className="flex gap-2" aria-label="Product images">
          {images.map((img, i) => (
            <li key={img.url}>
              <button
                type="button"
                onClick={() => setIndex(i)}
                aria-label={`Show image ${i + 1} of ${images.length}`}
                aria-current={i === index}
                className={cn("size-16 overflow-hidden rounded-md border-2", i === index ? "border-[var(--shop-primary)]" : "border-transparent")}
              >
                {/* eslint-disable-next-line @next/next/no-img-element -- see above */}
                <img src={img.url} alt="" className="size-full object-cover" />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
