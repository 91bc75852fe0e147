import { redirect } from "next/navigation";
import { requireUserId } from "@/server/api/require-user";
import { getServerApi } from "@/server/api/server";

/** Sends the user to their first shop, or to create one. */
export default async function DashboardIndex() {
  await requireUserId("/dashboard");
  const shops = await (await getServerApi()).tenants.listMine();
  redirect(shops[0] ? `/dashboard/${shops[0].slug}` : "/onboarding");
}
