import type { Metadata } from "next";
import Link from "next/link";
import { BillingPanel } from "@/components/billing/billing-panel";
import { PageHeader } from "@/components/dashboard/page-header";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { roleAtLeast } from "@/server/domain/context";

export const metadata: Metadata = { title: "Billing" };

export default async function BillingPage({ params, searchParams }: PageProps<"/dashboard/[tenant]/billing">) {
  const { tenant: slug } = await params;
  const { checkout } = await searchParams;
  const api = await getServerApi();
  const tenant = await api.tenants.bySlug({ tenantSlug: slug }).catch(rethrowForPage);
  return (
    <>
      <PageHeader
        title="Billing"
        description="Your plan, payment status, usage and invoices."
        actions={
          <Link href={`/dashboard/${tenant.slug}/usage/statements`} className="text-sm font-medium underline-offset-4 hover:underline">
            Usage statements
          </Link>
        }
      />
      <BillingPanel tenantSlug={tenant.slug} renderedStatus={tenant.status} canManage={roleAtLeast(tenant.role, "admin")} checkoutCanceled={checkout === "canceled"} />
    </>
  );
}
