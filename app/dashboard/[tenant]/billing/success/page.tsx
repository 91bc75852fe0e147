import type { Metadata } from "next";
import { CheckoutSuccess } from "@/components/billing/checkout-success";
import { PageHeader } from "@/components/dashboard/page-header";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";

export const metadata: Metadata = { title: "Payment received" };

/** Stripe Checkout's success_url. The webhook (not this page) activates the shop; the page waits for it. */
export default async function CheckoutSuccessPage({ params }: PageProps<"/dashboard/[tenant]/billing/success">) {
  const { tenant: slug } = await params;
  const api = await getServerApi();
  const tenant = await api.tenants.bySlug({ tenantSlug: slug }).catch(rethrowForPage);
  return (
    <>
      <PageHeader title="Thank you" description="Stripe confirmed the payment." />
      <CheckoutSuccess tenantSlug={tenant.slug} renderedStatus={tenant.status} />
    </>
  );
}
