"use client";

import { BarChart3, CreditCard, Gauge, KeyRound, LayoutDashboard, Package, Settings, Store, Users } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

const items = [
  { href: "", label: "Overview", icon: LayoutDashboard },
  { href: "/catalog", label: "Catalog", icon: Package },
  { href: "/storefront", label: "Storefront", icon: Store },
  { href: "/analytics", label: "Analytics", icon: BarChart3 },
  { href: "/team", label: "Team", icon: Users },
  { href: "/usage", label: "Usage", icon: Gauge },
  { href: "/billing", label: "Billing", icon: CreditCard },
  { href: "/api-keys", label: "API keys", icon: KeyRound },
  { href: "/settings", label: "Settings", icon: Settings },
];

export function DashboardNav({ tenantSlug }: { tenantSlug: string }) {
  const pathname = usePathname();
  const base = `/dashboard/${tenantSlug}`;
  return (
    <nav aria-label="Shop" className="flex gap-1 overflow-x-auto md:flex-col">
      {items.map(({ href, label, icon: Icon }) => {
        const target = base + href;
        const active = href === "" ? pathname === base : pathname.startsWith(target);
        return (
          <Link
            key={label}
            href={target}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex shrink-0 items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-muted-foreground transition-colors hover:bg-muted hover:text-foreground",
              active && "bg-muted text-foreground",
            )}
          >
            <Icon className="size-4" aria-hidden />
            {label}
          </Link>
        );
      })}
    </nav>
  );
}
