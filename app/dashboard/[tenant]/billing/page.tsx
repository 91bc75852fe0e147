import { CreditCard } from "lucide-react";
import type { Metadata } from "next";
import { ComingSoon } from "@/components/dashboard/coming-soon";

export const metadata: Metadata = { title: "Billing" };

export default function BillingPage() {
  return (
    <ComingSoon
      title="Billing"
      icon={CreditCard}
      description="Choose a plan and manage payment. Your shop is on the free trial meanwhile."
      planned={["Plans and checkout", "Invoices and usage against your limits"]}
    />
  );
}
