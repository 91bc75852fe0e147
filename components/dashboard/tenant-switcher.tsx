"use client";

import { Check, ChevronsUpDown, Plus } from "lucide-react";
import Link from "next/link";
import { DropdownMenu } from "radix-ui";
import { Badge } from "@/components/ui/badge";

type Shop = { slug: string; name: string; role: string };

export function TenantSwitcher({ current, shops }: { current: Shop; shops: Shop[] }) {
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        className="flex w-full min-w-0 items-center justify-between gap-2 rounded-md border bg-background px-3 py-2 text-left text-sm hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
        aria-label={`Current shop: ${current.name}. Switch shop`}
      >
        <span className="truncate font-medium" data-testid="current-shop-name">
          {current.name}
        </span>
        <ChevronsUpDown className="size-4 shrink-0 text-muted-foreground" aria-hidden />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="start" sideOffset={4} className="z-50 min-w-60 rounded-md border bg-card p-1 shadow-md">
          <DropdownMenu.Label className="px-2 py-1.5 text-xs text-muted-foreground">Your shops</DropdownMenu.Label>
          {shops.map((shop) => (
            <DropdownMenu.Item key={shop.slug} asChild>
              <Link href={`/dashboard/${shop.slug}`} className="flex items-center justify-between gap-2 rounded px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted">
                <span className="flex items-center gap-2 truncate">
                  {shop.slug === current.slug ? <Check className="size-4" aria-hidden /> : <span className="size-4" />}
                  {shop.name}
                </span>
                <Badge variant="muted">{shop.role}</Badge>
              </Link>
            </DropdownMenu.Item>
          ))}
          <DropdownMenu.Separator className="my-1 h-px bg-border" />
          <DropdownMenu.Item asChild>
            <Link href="/onboarding" className="flex items-center gap-2 rounded px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted">
              <Plus className="size-4" aria-hidden /> Create another shop
            </Link>
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
