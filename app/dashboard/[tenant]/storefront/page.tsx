import { Store } from "lucide-react";
import type { Metadata } from "next";
import { ComingSoon } from "@/components/dashboard/coming-soon";

export const metadata: Metadata = { title: "Storefront" };

export default function StorefrontPage() {
  return (
    <ComingSoon
      title="Storefront"
      icon={Store}
      description="Brand your public shop: title, logo, colours and contact links."
      planned={["Branding editor with live preview", "Your own address on the Souk domain"]}
    />
  );
}
