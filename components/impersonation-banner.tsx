import { getServerApi } from "@/server/api/server";
import { StopImpersonationButton } from "./stop-impersonation-button";

const time = new Intl.DateTimeFormat("en", { timeStyle: "short", timeZone: "UTC" });

/** Shown on every signed-in page while a platform admin impersonates the user. */
export async function ImpersonationBanner() {
  const api = await getServerApi();
  const current = await api.impersonation.current().catch(() => null);
  if (!current) return null;
  return (
    <div role="alert" data-testid="impersonation-banner" className="flex flex-wrap items-center justify-between gap-2 border-b border-amber-500/40 bg-amber-400/20 px-6 py-2 text-sm">
      <span>
        Impersonating <strong>{current.name ? `${current.name} (${current.email})` : current.email}</strong> as {current.adminEmail}, until {time.format(current.expiresAt)} UTC.
      </span>
      <StopImpersonationButton targetUserId={current.targetUserId} />
    </div>
  );
}
