"use client";

import Link from "next/link";
import { useParams } from "next/navigation";

/** Rendered inside the shop's layout (header, colours), so a missing product still looks like the shop. */
export default function StorefrontNotFound() {
  const { tenant } = useParams<{ tenant: string }>();
  return (
    <div className="py-16 text-center">
      <h1 className="text-2xl font-semibold">We couldn’t find that page</h1>
      <p className="mt-2 text-muted-foreground">The product may have been removed, or the link is mistyped.</p>
      <Link href={`/s/${tenant}`} className="mt-6 inline-block rounded-md px-4 py-2 text-sm font-medium text-white" style={{ background: "var(--shop-primary)" }}>
        Back to the shop
      </Link>
    </div>
  );
}
