"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc/client";

/**
 * Ends the impersonation server-side, then goes to the console: the next request finds the row
 * ended and the session is the admin's own again. Cached answers were the target's: dropped.
 */
export function StopImpersonationButton({ targetUserId }: { targetUserId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const stop = useMutation(
    trpc.impersonation.stop.mutationOptions({
      onSuccess: () => {
        queryClient.clear();
        router.push(`/admin/users/${targetUserId}`);
      },
    }),
  );
  return (
    <Button size="sm" variant="outline" pending={stop.isPending || stop.isSuccess} onClick={() => stop.mutate()}>
      Stop impersonating
    </Button>
  );
}
