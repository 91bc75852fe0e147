import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { z } from "zod";
import { db } from "@/server/db/client";
import { accounts, sessions, users, verificationTokens } from "@/server/db/schema";
import { DomainError } from "@/server/domain/errors";
import { text } from "@/server/domain/text";
import { isConnectionError } from "@/server/db/availability";
import { sessionState } from "@/server/domain/impersonation";
import { verifyCredentials } from "@/server/domain/users";
import { env } from "@/server/env";
import { logger } from "@/server/logger";
import { clientIp } from "@/server/client-ip";
import { safeRedirectPath } from "@/lib/redirect-target";

export class RateLimitedSignIn extends CredentialsSignin {
  code = "rate_limited";
}

const credentialsInput = z.object({ email: text().min(1).max(254), password: text().min(1).max(200) });

const providers: NextAuthConfig["providers"] = [
  Credentials({
    credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
    async authorize(raw, request) {
      const parsed = credentialsInput.safeParse(raw);
      if (!parsed.success) return null;
      try {
        const user = await verifyCredentials({ ...parsed.data, ip: clientIp(request.headers) });
        return user ? { id: user.id, name: user.name, email: user.email, image: user.image } : null;
      } catch (error) {
        if (error instanceof DomainError && error.code === "rate_limited") throw new RateLimitedSignIn();
        throw error;
      }
    },
  }),
];
if (env.githubAuth) providers.push(GitHub(env.githubAuth));
if (env.googleAuth) providers.push(Google(env.googleAuth));

declare module "next-auth" {
  interface Session {
    /** Set while a platform admin impersonates `user.id`. */
    impersonatorUserId?: string | null;
    impersonationId?: string | null;
  }
}

/**
 * A session update that starts (`{ impersonationId: id }`) or drops (`{ impersonationId: null }`)
 * an impersonation; undefined for any other update.
 */
function impersonationRequested(data: unknown): string | null | undefined {
  if (typeof data !== "object" || data === null || !("impersonationId" in data)) return undefined;
  const id = (data as { impersonationId: unknown }).impersonationId;
  return typeof id === "string" ? id : null;
}

/** Which OAuth buttons the sign-in page shows. */
export const oauthProviders = [
  ...(env.githubAuth ? [{ id: "github", name: "GitHub" }] : []),
  ...(env.googleAuth ? [{ id: "google", name: "Google" }] : []),
];

export const { handlers, auth, signIn, signOut, unstable_update: updateSession } = NextAuth({
  adapter: DrizzleAdapter(db, { usersTable: users, accountsTable: accounts, sessionsTable: sessions, verificationTokensTable: verificationTokens }),
  // Credentials sign-in requires JWT sessions; OAuth accounts still link through the adapter.
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  secret: env.AUTH_SECRET,
  trustHost: true,
  // Auth.js cookies are httpOnly and sameSite=lax; Secure whenever the app is served over https.
  useSecureCookies: env.APP_URL.startsWith("https://"),
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers,
  logger: {
    error: (error) => {
      if (error instanceof CredentialsSignin) return; // a wrong password is not a server error
      logger.error({ err: error }, "auth error");
    },
    warn: (code) => logger.warn({ code }, "auth warning"),
  },
  callbacks: {
    /**
     * Every redirect Auth.js makes (after sign-in, sign-out, OAuth) goes through the app's one
     * check. Auth.js passes relative targets made absolute on the request's origin (`baseUrl`);
     * the answer stays on that origin.
     */
    redirect({ url, baseUrl }) {
      const target = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length) : url;
      return `${baseUrl}${safeRedirectPath(target, env.APP_URL)}`;
    },
    /** A disabled account cannot sign in, by password (verifyCredentials) or OAuth (here). */
    async signIn({ user }) {
      return !user.id || (await sessionState(user.id, null)) !== null;
    },
    /**
     * Runs at sign-in (with `user`) and on every request that reads the session. The token
     * carries the user's session version from sign-in; once the stored version moves on
     * (password reset, "sign out of all devices", disabled by an admin) or the account is
     * gone, the session ends: returning null makes Auth.js answer "no session" and clear the
     * cookie. Tokens from before versions existed count as version 0.
     *
     * Impersonation: `imp` names an impersonations row. It is set by an update (the admin
     * console's start action; a browser can post any update, so the row must be this admin's
     * and running) and checked in the same query on every request, so Stop and the hour's
     * expiry end it server-side; the token then drops it and the admin is themself again.
     */
    async jwt({ token, user, trigger, session }) {
      if (user?.id) {
        token.sub = user.id;
        token.sv = (await sessionState(user.id, null))?.sessionVersion ?? 0;
        return token;
      }
      if (!token.sub) return null;
      const requested = trigger === "update" ? impersonationRequested(session) : undefined;
      const wanted = requested === undefined ? (typeof token.imp === "string" ? token.imp : null) : requested;
      let state: Awaited<ReturnType<typeof sessionState>>;
      try {
        state = await sessionState(token.sub, wanted);
      } catch (error) {
        // The database is away: keep the session (a null token would sign the user out) and
        // let the request's own queries answer 503; it is checked again on the next request.
        if (isConnectionError(error)) return token;
        throw error;
      }
      if (state === null || state.sessionVersion !== (typeof token.sv === "number" ? token.sv : 0)) return null;
      if (state.impersonation) {
        token.imp = state.impersonation.id;
        token.act = state.impersonation.targetUserId;
      } else {
        delete token.imp;
        delete token.act;
      }
      return token;
    },
    /** While impersonating, the session's user is the target; the admin is `impersonatorUserId`. */
    session({ session, token }) {
      const acting = typeof token.act === "string" ? token.act : null;
      if (token.sub) session.user.id = acting ?? token.sub;
      session.impersonatorUserId = acting && token.sub ? token.sub : null;
      session.impersonationId = acting && typeof token.imp === "string" ? token.imp : null;
      return session;
    },
  },
});
