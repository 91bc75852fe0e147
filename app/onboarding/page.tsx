import type { Metadata } from "next";
import { Logo } from "@/components/logo";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireUserId } from "@/server/api/require-user";
import { getServerApi } from "@/server/api/server";
import { CreateShopForm } from "./create-shop-form";

export const metadata: Metadata = { title: "Create your shop" };

export default async function OnboardingPage() {
  await requireUserId("/onboarding");
  const plans = await (await getServerApi()).subscriptions.plans();
  return (
    <div className="flex min-h-dvh flex-col items-center px-4 py-10">
      <Logo />
      <Card className="mt-10 w-full max-w-md">
        <CardHeader>
          <CardTitle>
            <span className="text-2xl">Create your shop</span>
          </CardTitle>
          <CardDescription>Name it and pick a plan; you can change the name, currency, colours and plan later.</CardDescription>
        </CardHeader>
        <CardContent>
          <CreateShopForm plans={plans} />
        </CardContent>
      </Card>
    </div>
  );
}
