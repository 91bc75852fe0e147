import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ResetPasswordForm } from "./reset-password-form";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({ searchParams }: PageProps<"/reset-password">) {
  const { token } = await searchParams;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Choose a new password</CardTitle>
        <CardDescription>The link in your email works once and expires after an hour.</CardDescription>
      </CardHeader>
      <CardContent>
        {typeof token === "string" && token ? (
          <ResetPasswordForm token={token} />
        ) : (
          <Alert variant="error">
            This link is incomplete. <Link href="/forgot-password" className="underline">Ask for a new one.</Link>
          </Alert>
        )}
      </CardContent>
    </Card>
  );
}
