import "server-only";
import { redirect } from "next/navigation";
import { auth } from "@/server/auth";

/** For pages: the signed-in user's id, or a redirect to sign-in that comes back here. */
export async function requireUserId(returnTo: string): Promise<string> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return id;
}
