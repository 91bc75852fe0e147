import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { OAuthButtons } from "@/components/oauth-buttons";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { safeRedirectPath } from "@/lib/redirect-target";
import { auth, oauthProviders } from "@/server/auth";
import { env } from "@/server/env";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

const notices: Record<string, string> = {
  "password-reset": "Your password was changed. Sign in with the new one.",
};

export default async function SignInPage({ searchParams }: PageProps<"/sign-in">) {
  const params = await searchParams;
  // Checked once here; the form, the OAuth buttons and the signed-in redirect all use the result.
  const callbackUrl = safeRedirectPath(params.callbackUrl, env.APP_URL);
  if ((await auth())?.user) redirect(callbackUrl);
  const notice = typeof params.notice === "string" ? notices[params.notice] : undefined;
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <span className="text-2xl">Sign in to Souk</span>
        </CardTitle>
        <CardDescription>Welcome back. Manage your shop from here.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-2">
        <OAuthButtons providers={oauthProviders} callbackUrl={callbackUrl} />
        <SignInForm callbackUrl={callbackUrl} notice={notice} />
      </CardContent>
      <CardFooter className="text-sm text-muted-foreground">
        New here?
        <Link className="font-medium text-primary underline-offset-4 hover:underline" href="/sign-up">
          Create an account
        </Link>
      </CardFooter>
    </Card>
  );
}
