import Link from "next/link";
import { cn } from "@/lib/utils";

export function CatalogTabs({ tenantSlug, current }: { tenantSlug: string; current: "products" | "categories" }) {
  const tabs = [
    { key: "products", label: "Products", href: `/dashboard/${tenantSlug}/catalog` },
    { key: "categories", label: "Categories", href: `/dashboard/${tenantSlug}/catalog/categories` },
  ] as const;
  return (
    <nav aria-label="Catalog sections" className="mb-6 flex gap-1 border-b">
      {tabs.map((t) => (
        <Link
          key={t.key}
          href={t.href}
          aria-current={current === t.key ? "page" : undefined}
          className={cn("-mb-px border-b-2 px-3 py-2 text-sm font-medium", current === t.key ? "border-primary text-foreground" : "border-transparent text-muted-foreground hover:text-foreground")}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
