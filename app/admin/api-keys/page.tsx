import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ApiKeyManager } from "@/components/api-keys/api-key-manager";
import { PageHeader } from "@/components/dashboard/page-header";
import { requireUserId } from "@/server/api/require-user";
import { getUser } from "@/server/domain/users";

export const metadata: Metadata = { title: "Platform API keys" };

/** Platform service keys (the operator's own services reporting usage for shops). Platform admins only. */
export default async function AdminApiKeysPage() {
  const user = await getUser(await requireUserId("/admin/api-keys"));
  // Guarded here, not only by a layout: a non-admin learns nothing, not even that the page exists.
  if (!user?.isPlatformAdmin) notFound();
  return (
    <main className="mx-auto grid max-w-5xl gap-6 p-6">
      <PageHeader title="Platform API keys" description="Service keys for the operator's own services; they report usage on behalf of any shop (each event names its shop)." />
      <ApiKeyManager scopes={["usage:write"]} />
    </main>
  );
}
