import type { Metadata } from "next";
import { BillingRunsPanel } from "@/components/admin/billing-runs-panel";
import { PageHeader } from "@/components/dashboard/page-header";

export const metadata: Metadata = { title: "Billing runs" };

export default function BillingRunsPage() {
  const now = new Date();
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  return (
    <>
      <PageHeader title="Billing runs" description="Each run prices a closed month's usage per shop, writes the usage statements and reports overage to Stripe. Re-running a month bills nothing twice." />
      <BillingRunsPanel defaultPeriod={lastMonth} />
    </>
  );
}
