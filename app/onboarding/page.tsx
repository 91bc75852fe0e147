import type { Metadata } from "next";
import { Logo } from "@/components/logo";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireUserId } from "@/server/api/require-user";
import { CreateShopForm } from "./create-shop-form";

export const metadata: Metadata = { title: "Create your shop" };

export default async function OnboardingPage() {
  await requireUserId("/onboarding");
  return (
    <div className="flex min-h-dvh flex-col items-center px-4 py-10">
      <Logo />
      <Card className="mt-10 w-full max-w-md">
        <CardHeader>
          <CardTitle>
            <span className="text-2xl">Create your shop</span>
          </CardTitle>
          <CardDescription>Name it now; you can change the name, currency and colours later.</CardDescription>
        </CardHeader>
        <CardContent>
          <CreateShopForm />
        </CardContent>
      </Card>
    </div>
  );
}
