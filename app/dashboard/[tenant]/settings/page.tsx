import type { Metadata } from "next";
import { PageHeader } from "@/components/dashboard/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { rethrowForPage } from "@/server/api/page-errors";
import { getServerApi } from "@/server/api/server";
import { roleAtLeast } from "@/server/domain/context";
import { ProfileForm } from "./profile-form";
import { ShopSettingsForm } from "./shop-settings-form";
import { SignOutEverywhere } from "./sign-out-everywhere";

export const metadata: Metadata = { title: "Settings" };

const commonCurrencies = ["EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "MAD", "AED", "SAR", "KWD", "BHD", "JPY", "CAD", "AUD"];

export default async function SettingsPage({ params }: PageProps<"/dashboard/[tenant]/settings">) {
  const { tenant: slug } = await params;
  const api = await getServerApi();
  const [tenant, theme, me] = await Promise.all([
    api.tenants.bySlug({ tenantSlug: slug }).catch(rethrowForPage),
    api.storefront.get({ tenantSlug: slug }).catch(rethrowForPage),
    api.users.me().catch(rethrowForPage),
  ]);
  return (
    <>
      <PageHeader title="Settings" description="Your shop's name, currency and brand, and your own profile." />
      <div className="grid gap-6">
        <Card>
          <CardHeader>
            <CardTitle>Shop</CardTitle>
            <CardDescription>Shown on your storefront and invoices.</CardDescription>
          </CardHeader>
          <CardContent>
            <ShopSettingsForm
              tenantSlug={tenant.slug}
              canEdit={roleAtLeast(tenant.role, "admin")}
              currencies={commonCurrencies}
              initial={{ name: tenant.name, defaultCurrency: tenant.defaultCurrency, brandColor: theme.primaryColor }}
            />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Your profile</CardTitle>
          </CardHeader>
          <CardContent>
            <ProfileForm initialName={me.name ?? ""} email={me.email} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Sessions</CardTitle>
            <CardDescription>Devices signed in to your account.</CardDescription>
          </CardHeader>
          <CardContent>
            <SignOutEverywhere />
          </CardContent>
        </Card>
      </div>
    </>
  );
}
