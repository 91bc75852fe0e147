"use client";

import { usePathname } from "next/navigation";
import { useEffect } from "react";

/**
 * Reports one page view after the page has rendered, without blocking it:
 * sendBeacon queues the request in the browser. Only the referrer's host is
 * sent (not the full URL), and only when it is another site.
 */
export function VisitBeacon({ tenant, productId }: { tenant: string; productId?: string }) {
  const pathname = usePathname();
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    let referrerHost: string | null = null;
    try {
      const ref = document.referrer ? new URL(document.referrer).host : null;
      referrerHost = ref && ref !== window.location.host ? ref : null;
    } catch {
      referrerHost = null;
    }
    const body = JSON.stringify({
      tenant,
      path: window.location.pathname,
      productId: productId ?? null,
      utmSource: params.get("utm_source"),
      utmMedium: params.get("utm_medium"),
      utmCampaign: params.get("utm_campaign"),
      utmTerm: params.get("utm_term"),
      utmContent: params.get("utm_content"),
      referrerHost,
    });
    const blob = new Blob([body], { type: "application/json" });
    if (!navigator.sendBeacon?.("/api/storefront/visit", blob)) {
      void fetch("/api/storefront/visit", { method: "POST", body, keepalive: true, headers: { "content-type": "application/json" } }).catch(() => {});
    }
  }, [tenant, productId, pathname]);
  return null;
}
