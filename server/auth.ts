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
import { getSessionVersion, verifyCredentials } from "@/server/domain/users";
import { isConnectionError } from "@/server/db/availability";
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

/** Which OAuth buttons the sign-in page shows. */
export const oauthProviders = [
  ...(env.githubAuth ? [{ id: "github", name: "GitHub" }] : []),
  ...(env.googleAuth ? [{ id: "google", name: "Google" }] : []),
];

export const { handlers, auth, signIn, signOut } = NextAuth({
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
    /**
     * Runs at sign-in (with `user`) and on every request that reads the session. The token
     * carries the user's session version from sign-in; once the stored version moves on
     * (password reset, "sign out of all devices") or the account is gone, the session ends:
     * returning null makes Auth.js answer "no session" and clear the cookie. Tokens from
     * before versions existed count as version 0.
     */
    async jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        token.sv = (await getSessionVersion(user.id)) ?? 0;
        return token;
      }
      if (!token.sub) return null;
      let current: number | null;
      try {
        current = await getSessionVersion(token.sub);
      } catch (error) {
        // The database is away: keep the session (a null token would sign the user out) and
        // let the request's own queries answer 503; the version is checked again afterwards.
        if (isConnectionError(error)) return token;
        throw error;
      }
      if (current === null || current !== (typeof token.sv === "number" ? token.sv : 0)) return null;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
});
