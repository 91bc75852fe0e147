"use client";

import { LogOut, UserRound } from "lucide-react";
import { DropdownMenu } from "radix-ui";
import { useTransition } from "react";
import { signOutAction } from "@/app/(auth)/actions";

export function UserMenu({ name, email }: { name: string | null; email: string }) {
  // Called from onSelect rather than a <form>: the menu unmounts its content as it closes.
  const [signingOut, startSignOut] = useTransition();
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        className="flex items-center gap-2 rounded-full border bg-background p-1 pr-3 text-sm hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
        aria-label="Account menu"
      >
        <span className="grid size-7 place-items-center rounded-full bg-muted">
          <UserRound className="size-4" aria-hidden />
        </span>
        <span className="hidden max-w-40 truncate sm:inline">{name ?? email}</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="end" sideOffset={4} className="z-50 min-w-56 rounded-md border bg-card p-1 shadow-md">
          <DropdownMenu.Label className="px-2 py-1.5 text-xs text-muted-foreground">{email}</DropdownMenu.Label>
          <DropdownMenu.Separator className="my-1 h-px bg-border" />
          <DropdownMenu.Item
            disabled={signingOut}
            onSelect={() => startSignOut(() => signOutAction())}
            className="flex w-full cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-sm outline-none data-[disabled]:opacity-50 data-[highlighted]:bg-muted"
          >
            <LogOut className="size-4" aria-hidden /> {signingOut ? "Signing out…" : "Sign out"}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
