"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * The shop's status also drives the dashboard layout (banners, read-only UI), which is
 * rendered on the server. When a client query sees a status other than the one the
 * server rendered, re-render the server part too, so the page never shows "active"
 * next to a stale "waiting for payment" banner.
 */
export function useRefreshOnStatusChange(renderedStatus: string, liveStatus: string | undefined) {
  const router = useRouter();
  useEffect(() => {
    if (liveStatus !== undefined && liveStatus !== renderedStatus) router.refresh();
  }, [renderedStatus, liveStatus, router]);
}
