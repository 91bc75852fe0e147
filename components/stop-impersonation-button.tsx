"use client";

import { useMutation } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc/client";

/**
 * Ends the impersonation server-side, then reloads into the console: the next request finds
 * the row ended and the session is the admin's own again.
 */
export function StopImpersonationButton({ targetUserId }: { targetUserId: string }) {
  const trpc = useTRPC();
  const stop = useMutation(trpc.impersonation.stop.mutationOptions({ onSuccess: () => window.location.assign(`/admin/users/${targetUserId}`) }));
  return (
    <Button size="sm" variant="outline" pending={stop.isPending || stop.isSuccess} onClick={() => stop.mutate()}>
      Stop impersonating
    </Button>
  );
}
