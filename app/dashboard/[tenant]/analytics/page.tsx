import { BarChart3 } from "lucide-react";
import type { Metadata } from "next";
import { ComingSoon } from "@/components/dashboard/coming-soon";

export const metadata: Metadata = { title: "Analytics" };

export default function AnalyticsPage() {
  return (
    <ComingSoon
      title="Analytics"
      icon={BarChart3}
      description="See your visitors by campaign and source once your storefront is live."
      planned={["Visits and unique visitors over time", "Top sources, campaigns and products"]}
    />
  );
}
