import type { Metadata } from "next";
import { PageHeader } from "@/components/dashboard/page-header";
import { TeamManager } from "@/components/team/team-manager";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage({ params }: PageProps<"/dashboard/[tenant]/team">) {
  const { tenant: slug } = await params;
  const tenant = await (await getServerApi()).tenants.bySlug({ tenantSlug: slug }).catch(rethrowForPage);
  return (
    <>
      <PageHeader title="Team" description="Who works on this shop, and what each of them may do. Owners and admins invite teammates by email." />
      <TeamManager tenantSlug={tenant.slug} role={tenant.role} />
    </>
  );
}
