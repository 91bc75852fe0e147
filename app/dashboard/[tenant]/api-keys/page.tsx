import type { Metadata } from "next";
import { ApiKeyManager } from "@/components/api-keys/api-key-manager";
import { PageHeader } from "@/components/dashboard/page-header";
import { Alert } from "@/components/ui/alert";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { apiKeyScopes } from "@/server/domain/api-keys";
import { roleAtLeast } from "@/server/domain/context";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: PageProps<"/dashboard/[tenant]/api-keys">) {
  const { tenant: slug } = await params;
  const tenant = await (await getServerApi()).tenants.bySlug({ tenantSlug: slug }).catch(rethrowForPage);
  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys let your own apps, the typed client and the CLI call the API as this shop: send one as “Authorization: Bearer …”. Each call counts as API usage."
      />
      {roleAtLeast(tenant.role, "admin") ? (
        <ApiKeyManager tenantSlug={tenant.slug} scopes={apiKeyScopes} />
      ) : (
        <Alert>Only the shop’s owners and admins manage API keys.</Alert>
      )}
    </>
  );
}
