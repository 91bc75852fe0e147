import { Package } from "lucide-react";
import type { Metadata } from "next";
import { ComingSoon } from "@/components/dashboard/coming-soon";

export const metadata: Metadata = { title: "Catalog" };

export default function CatalogPage() {
  return (
    <ComingSoon
      title="Catalog"
      icon={Package}
      description="Manage products, categories and images here. This area is being built."
      planned={["Products with exact prices in any currency", "Categories and drag-and-drop ordering", "Image uploads straight to storage"]}
    />
  );
}
