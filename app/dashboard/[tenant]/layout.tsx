import Link from "next/link";
import { DashboardNav } from "@/components/dashboard/nav";
import { TenantSwitcher } from "@/components/dashboard/tenant-switcher";
import { UserMenu } from "@/components/dashboard/user-menu";
import { VerifyEmailBanner } from "@/components/dashboard/verify-email-banner";
import { Logo } from "@/components/logo";
import { ThemeToggle } from "@/components/theme-toggle";
import { rethrowForPage } from "@/server/api/page-errors";
import { requireUserId } from "@/server/api/require-user";
import { getServerApi } from "@/server/api/server";

export default async function TenantDashboardLayout({ children, params }: LayoutProps<"/dashboard/[tenant]">) {
  const { tenant: slug } = await params;
  await requireUserId(`/dashboard/${slug}`);
  const api = await getServerApi();
  const [tenant, shops, me] = await Promise.all([
    api.tenants.bySlug({ tenantSlug: slug }).catch(rethrowForPage),
    api.tenants.listMine(),
    api.users.me(),
  ]);
  return (
    <div className="flex min-h-dvh flex-col">
      {!me.emailVerified ? <VerifyEmailBanner email={me.email} /> : null}
      {tenant.trial?.ended ? (
        <div role="alert" data-testid="trial-banner" className="border-b border-destructive/30 bg-destructive/10 px-6 py-2 text-sm text-destructive">
          The free trial has ended: the storefront is offline and the dashboard is read-only until you choose a plan.{" "}
          <Link href={`/dashboard/${tenant.slug}/billing`} className="font-medium underline underline-offset-4">
            Choose a plan
          </Link>
        </div>
      ) : tenant.trial && tenant.status === "active" ? (
        <div role="status" data-testid="trial-banner" className="border-b border-sky-500/30 bg-sky-500/10 px-6 py-2 text-sm text-sky-900 dark:text-sky-200">
          Free trial: {tenant.trial.daysLeft} {tenant.trial.daysLeft === 1 ? "day" : "days"} left. Choose a plan before it ends to keep the shop open.{" "}
          <Link href={`/dashboard/${tenant.slug}/billing`} className="font-medium underline underline-offset-4">
            See plans
          </Link>
        </div>
      ) : tenant.status === "suspended" ? (
        <div role="alert" className="border-b border-destructive/30 bg-destructive/10 px-6 py-2 text-sm text-destructive">
          This shop is suspended: the storefront is offline and the dashboard is read-only until billing is resolved.
        </div>
      ) : null}
      {tenant.status === "pending" || tenant.status === "provisioning" || tenant.status === "failed" ? (
        <div role="status" className="border-b border-amber-500/30 bg-amber-500/10 px-6 py-2 text-sm text-amber-800 dark:text-amber-300">
          {tenant.status === "pending"
            ? "This shop is waiting for payment: it opens once a plan is paid (see Billing)."
            : tenant.status === "provisioning"
              ? "This shop is being set up…"
              : "Setting up this shop failed: retry from Billing."}
        </div>
      ) : null}
      <header className="flex items-center justify-between gap-4 border-b px-4 py-3 md:px-6">
        <div className="flex min-w-0 items-center gap-4">
          <Logo href={`/dashboard/${tenant.slug}`} />
          <div className="w-48 min-w-0 sm:w-64">
            <TenantSwitcher current={{ slug: tenant.slug, name: tenant.name, role: tenant.role }} shops={shops} />
          </div>
        </div>
        <div className="flex items-center gap-2">
          <ThemeToggle />
          <UserMenu name={me.name} email={me.email} />
        </div>
      </header>
      <div className="flex flex-1 flex-col md:flex-row">
        <aside className="border-b p-3 md:w-56 md:shrink-0 md:border-r md:border-b-0">
          <DashboardNav tenantSlug={tenant.slug} />
        </aside>
        <main className="min-w-0 flex-1 p-4 md:p-8">{children}</main>
      </div>
    </div>
  );
}
