import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getServerApi } from "@/server/api/server";
import { auth } from "@/server/auth";
import { PASSWORD_MIN_LENGTH } from "@/server/domain/passwords";
import { SignInForm } from "../sign-in/sign-in-form";
import { signOutToInvitationAction } from "./actions";
import { AcceptInvitationButton, NewAccountForm } from "./invitation-forms";

export const metadata: Metadata = { title: "Team invitation", robots: { index: false } };

const article = (role: string) => (role === "owner" || role === "admin" ? "an" : "a");

/**
 * Where an invitation link lands. Signed in with the invited address: join. Signed in with
 * another: sign out first. Signed out: sign in (an account exists) or create the account.
 */
export default async function InvitationPage({ searchParams }: PageProps<"/invite">) {
  const { token } = await searchParams;
  if (typeof token !== "string" || !token || token.length > 200) return <Unusable message="This invitation link is incomplete. Open the link from the email again." />;
  const api = await getServerApi();
  const invitation = await api.team.invitation({ token });
  if (!invitation) return <Unusable message="This invitation link is not valid: it may have been revoked, or replaced by a newer email. Ask the shop for a new invitation." />;
  if (invitation.status === "accepted") return <Unusable message="This invitation has already been used." signIn />;
  if (invitation.status === "revoked") return <Unusable message="This invitation has been revoked." />;
  if (invitation.status === "expired") return <Unusable message="This invitation has expired. Ask the shop for a new one." />;

  const session = await auth();
  const me = session?.user?.id ? await api.users.me() : null;
  const returnTo = `/invite?token=${encodeURIComponent(token)}`;
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <span className="text-2xl">Join {invitation.shopName}</span>
        </CardTitle>
        <CardDescription>
          {invitation.invitedBy ?? "A teammate"} invited <strong>{invitation.email}</strong> to join as {article(invitation.role)} {invitation.role}.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {me ? (
          me.email === invitation.email ? (
            <AcceptInvitationButton token={token} shopName={invitation.shopName} />
          ) : (
            <>
              <Alert variant="error">
                You are signed in as {me.email}. This invitation is for {invitation.email}: sign out, then sign in with that address.
              </Alert>
              <form action={signOutToInvitationAction}>
                <input type="hidden" name="token" value={token} />
                <Button type="submit" variant="outline">
                  Sign out
                </Button>
              </form>
            </>
          )
        ) : invitation.accountExists ? (
          <>
            <p className="text-sm text-muted-foreground">Sign in as {invitation.email} to accept.</p>
            <SignInForm callbackUrl={returnTo} />
          </>
        ) : (
          <>
            <p className="text-sm text-muted-foreground">Create your Souk account to accept.</p>
            <NewAccountForm token={token} email={invitation.email} minPasswordLength={PASSWORD_MIN_LENGTH} />
          </>
        )}
      </CardContent>
    </Card>
  );
}

function Unusable({ message, signIn = false }: { message: string; signIn?: boolean }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Team invitation</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-4">
        <Alert variant="error">{message}</Alert>
        <Link className="text-sm font-medium text-primary underline-offset-4 hover:underline" href={signIn ? "/sign-in" : "/"}>
          {signIn ? "Sign in" : "Back to Souk"}
        </Link>
      </CardContent>
    </Card>
  );
}
