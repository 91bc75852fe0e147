import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { OAuthButtons } from "@/components/oauth-buttons";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { safeRedirectPath } from "@/lib/redirect-target";
import { auth, oauthProviders } from "@/server/auth";
import { env } from "@/server/env";
import { PASSWORD_MIN_LENGTH } from "@/server/domain/passwords";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage({ searchParams }: PageProps<"/sign-up">) {
  if ((await auth())?.user) redirect(safeRedirectPath((await searchParams).callbackUrl, env.APP_URL));
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <span className="text-2xl">Create your account</span>
        </CardTitle>
        <CardDescription>Start free. You will name your shop next.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-2">
        <OAuthButtons providers={oauthProviders} callbackUrl="/onboarding" />
        <SignUpForm minPasswordLength={PASSWORD_MIN_LENGTH} />
      </CardContent>
      <CardFooter className="text-sm text-muted-foreground">
        Already have an account?
        <Link className="font-medium text-primary underline-offset-4 hover:underline" href="/sign-in">
          Sign in
        </Link>
      </CardFooter>
    </Card>
  );
}
