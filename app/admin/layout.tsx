import Link from "next/link";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { Logo } from "@/components/logo";
import { ThemeToggle } from "@/components/theme-toggle";
import { contextFromSession } from "@/server/api/session-context";
import { getUser } from "@/server/domain/users";

/**
 * Platform admin area. Anyone else (signed out, a shop member, an admin while impersonating
 * someone) gets the ordinary 404 page: the area's existence is not advertised. The procedures
 * behind it check the same rule again (platformAdminProcedure).
 */
export default async function AdminLayout({ children }: LayoutProps<"/admin">) {
  const ctx = await contextFromSession(await headers());
  const user = ctx.userId ? await getUser(ctx.userId) : null;
  if (!user?.isPlatformAdmin || ctx.impersonatorUserId) notFound();
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="flex items-center justify-between gap-4 border-b px-4 py-3 md:px-6">
        <div className="flex items-center gap-4">
          <Logo href="/admin" />
          <nav aria-label="Admin" className="flex flex-wrap gap-4 text-sm">
            <Link href="/admin" className="hover:underline">
              Tenants
            </Link>
            <Link href="/admin/users" className="hover:underline">
              Users
            </Link>
            <Link href="/admin/stripe-events" className="hover:underline">
              Stripe events
            </Link>
            <Link href="/admin/audit" className="hover:underline">
              Audit trail
            </Link>
            <Link href="/admin/billing-runs" className="hover:underline">
              Billing runs
            </Link>
            <Link href="/admin/api-keys" className="hover:underline">
              API keys
            </Link>
          </nav>
        </div>
        <div className="flex items-center gap-2 text-sm text-muted-foreground">
          <span>{user.email}</span>
          <ThemeToggle />
        </div>
      </header>
      <main className="min-w-0 flex-1 p-4 md:p-8">{children}</main>
    </div>
  );
}
