import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { verifyEmail } from "@/server/domain/users";

export const metadata: Metadata = { title: "Verify your email" };
export const dynamic = "force-dynamic";

export default async function VerifyEmailPage({ searchParams }: PageProps<"/verify-email">) {
  const { token } = await searchParams;
  const verified = typeof token === "string" && token.length > 0 && (await verifyEmail(token));
  return (
    <Card>
      <CardHeader>
        <CardTitle>Email verification</CardTitle>
      </CardHeader>
      <CardContent>
        {verified ? (
          <Alert variant="success">Thank you — your email address is verified.</Alert>
        ) : (
          <Alert variant="error">This link is invalid, already used or expired. Sign in and ask for a new one from your dashboard.</Alert>
        )}
      </CardContent>
      <CardFooter>
        <Button asChild>
          <Link href="/dashboard">Go to your dashboard</Link>
        </Button>
      </CardFooter>
    </Card>
  );
}
