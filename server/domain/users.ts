import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { authTokens, users, type User } from "@/server/db/schema";
import { withSystem, type Tx } from "@/server/db/tenancy";
import { env } from "@/server/env";
import { sendMail } from "@/server/integrations/mail";
import { enqueueJobByName } from "@/server/jobs/queue";
import { recordAudit } from "./audit";
import type { Actor } from "./context";
import { DomainError, fieldError, isUniqueViolation } from "./errors";
import { burnVerifyTime, hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from "./passwords";
import { clearSignInFailures, recordSignInSuccess, takeAttempts, takeSignInAttempt, type AttemptRule } from "./sign-in-throttle";
import { text } from "./text";

export const emailInput = z
  .email({ message: "Enter a valid email address" })
  .max(254)
  .transform((e) => e.trim().toLowerCase());

export const passwordInput = text()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(200, "Use at most 200 characters");

export const nameInput = text().trim().min(1, "Enter your name").max(80, "Use at most 80 characters");

export const signUpInput = z.object({ name: nameInput, email: emailInput, password: passwordInput });
export const updateProfileInput = z.object({ name: nameInput });

export type PublicUser = Pick<User, "id" | "name" | "email" | "emailVerified" | "image" | "isPlatformAdmin">;
const publicColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  emailVerified: users.emailVerified,
  image: users.image,
  isPlatformAdmin: users.isPlatformAdmin,
};

const TOKEN_TTL = { verify_email: 24 * 60, reset_password: 60 } as const; // minutes

function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

async function issueToken(tx: Tx, userId: string, purpose: keyof typeof TOKEN_TTL): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await tx.insert(authTokens).values({
    tokenHash: hashToken(token),
    userId,
    purpose,
    expiresAt: new Date(Date.now() + TOKEN_TTL[purpose] * 60_000),
  });
  return token;
}

/** Marks a token used and returns its user, or null when unknown, used or expired. */
async function consumeToken(tx: Tx, token: string, purpose: keyof typeof TOKEN_TTL): Promise<string | null> {
  const [row] = await tx
    .update(authTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(authTokens.tokenHash, hashToken(token)),
        eq(authTokens.purpose, purpose),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, new Date()),
      ),
    )
    .returning({ userId: authTokens.userId });
  return row?.userId ?? null;
}

async function sendVerificationMail(email: string, token: string) {
  const link = `${env.APP_URL}/verify-email?token=${encodeURIComponent(token)}`;
  await sendMail({
    to: email,
    subject: "Verify your email for Souk",
    text: `Welcome to Souk!\n\nConfirm your email address by opening this link within 24 hours:\n${link}\n\nIf you did not sign up, ignore this message.`,
    html: `<p>Welcome to Souk!</p><p><a href="${link}">Confirm your email address</a> (valid for 24 hours).</p><p>If you did not sign up, ignore this message.</p>`,
  });
}

/**
 * Limits on mail a request can cause, so the app cannot be used to flood an inbox: per
 * address and kind, and per client address (keyed hash) across kinds and addresses.
 */
const MAIL_LIMITS = {
  perAddress: { limit: 3, windowMinutes: 60 },
  perClient: { limit: env.MAIL_RATE_LIMIT_PER_CLIENT_PER_HOUR, windowMinutes: 60 },
};

/** Mail jobs, queued by name (server/jobs/mail.ts declares them; the domain does not import jobs). */
export const MAIL_JOBS = { verifyEmail: "mail:verify-email", passwordReset: "mail:password-reset" } as const;

/** Who asked, for the per-client mail limit: a keyed hash of the client's address (null: unknown). */
export type MailRequester = { clientKey?: string | null };

async function takeMailAttempts(tx: Tx, kind: "verify" | "reset", email: string, { clientKey }: MailRequester) {
  const keys: { key: string; rule: AttemptRule }[] = [{ key: `mail:${kind}:${email}`, rule: MAIL_LIMITS.perAddress }];
  if (clientKey) keys.push({ key: `mail-client:${clientKey}`, rule: MAIL_LIMITS.perClient });
  await takeAttempts(tx, keys, (m) => `Too many emails requested. Try again in ${m} minute${m === 1 ? "" : "s"}.`);
}

export async function signUp(input: z.output<typeof signUpInput>, actor: Omit<Actor, "userId"> & MailRequester): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password);
  return withSystem("sign-up", async (tx) => {
    let created: PublicUser | undefined;
    try {
      [created] = await tx
        .insert(users)
        .values({ name: input.name, email: input.email, passwordHash })
        .returning(publicColumns);
    } catch (error) {
      if (isUniqueViolation(error, "users_email_key")) {
        throw fieldError("email", "An account with this email already exists. Sign in instead.");
      }
      throw error;
    }
    if (!created) throw new Error("insert returned no row");
    // Counts toward the client's mail budget: sign-ups must not send mail to any number of addresses.
    await takeMailAttempts(tx, "verify", created.email, actor);
    await recordAudit(tx, { ...actor, userId: created.id }, { tenantId: null, action: "user.signed_up", targetType: "user", targetId: created.id });
    await enqueueJobByName(tx, MAIL_JOBS.verifyEmail, { userId: created.id });
    return created;
  });
}

export type CredentialsCheck = { email: string; password: string; ip: string | null };

/**
 * Checks email and password for sign-in. Throws `rate_limited` when the email or
 * IP is over its limit; returns null for wrong credentials. The attempt is counted
 * before the password is verified, so parallel guesses cannot all slip past the limit.
 */
export async function verifyCredentials({ email, password, ip }: CredentialsCheck): Promise<PublicUser | null> {
  const normalized = email.trim().toLowerCase();
  const keys = { email: normalized, ip };
  await withSystem("sign-in-throttle", (tx) => takeSignInAttempt(tx, keys));
  const [row] = await withSystem("sign-in", (tx) =>
    tx.select({ ...publicColumns, passwordHash: users.passwordHash, disabledAt: users.disabledAt }).from(users).where(eq(users.email, normalized)),
  );
  // A disabled account answers like a wrong password, after the same work.
  const ok = row?.passwordHash && !row.disabledAt ? await verifyPassword(row.passwordHash, password) : (await burnVerifyTime(password), false);
  if (!row || !ok) return null;
  await withSystem("sign-in-throttle", (tx) => recordSignInSuccess(tx, keys));
  const { passwordHash: _omit, disabledAt: _disabled, ...user } = row;
  return user;
}

export async function getUser(userId: string): Promise<PublicUser | null> {
  const [row] = await withSystem("get-user", (tx) => tx.select(publicColumns).from(users).where(eq(users.id, userId)));
  return row ?? null;
}

export async function updateProfile(actor: Actor & { userId: string }, input: z.output<typeof updateProfileInput>): Promise<PublicUser> {
  return withSystem("update-profile", async (tx) => {
    const [row] = await tx.update(users).set({ name: input.name }).where(eq(users.id, actor.userId)).returning(publicColumns);
    if (!row) throw new DomainError("not_found", "Your account no longer exists");
    await recordAudit(tx, actor, { tenantId: null, action: "user.profile_updated", targetType: "user", targetId: row.id, metadata: { name: input.name } });
    return row;
  });
}

export async function verifyEmail(token: string): Promise<boolean> {
  return withSystem("verify-email", async (tx) => {
    const userId = await consumeToken(tx, token, "verify_email");
    if (!userId) return false;
    await tx.update(users).set({ emailVerified: new Date() }).where(eq(users.id, userId));
    await recordAudit(tx, { userId }, { tenantId: null, action: "user.email_verified", targetType: "user", targetId: userId });
    return true;
  });
}

export async function resendVerification(userId: string, requester: MailRequester = {}): Promise<void> {
  const user = await getUser(userId);
  if (!user || user.emailVerified) return;
  await withSystem("resend-verification", async (tx) => {
    await takeMailAttempts(tx, "verify", user.email, requester);
    await enqueueJobByName(tx, MAIL_JOBS.verifyEmail, { userId: user.id });
  });
}

/** Job: mails a fresh verification link, unless the address was verified meanwhile. */
export async function sendVerificationMailTo(userId: string): Promise<void> {
  const user = await getUser(userId);
  if (!user || user.emailVerified) return;
  const token = await withSystem("verification-mail", (tx) => issueToken(tx, user.id, "verify_email"));
  await sendVerificationMail(user.email, token);
}

/**
 * Asks for a reset link. The request only counts the attempt (per address and per client)
 * and queues a job; whether the account exists is looked at by the job. So the answer is
 * the same, and takes the same work, for any address. Throws `rate_limited` over a limit.
 */
export async function requestPasswordReset(email: string, requester: MailRequester = {}): Promise<void> {
  const normalized = email.trim().toLowerCase();
  await withSystem("password-reset-request", async (tx) => {
    await takeMailAttempts(tx, "reset", normalized, requester);
    await enqueueJobByName(tx, MAIL_JOBS.passwordReset, { email: normalized });
  });
}

/** Job: mails a reset link when the address has an account; nothing otherwise. */
export async function sendPasswordResetMailTo(email: string): Promise<void> {
  const normalized = email.trim().toLowerCase();
  const token = await withSystem("password-reset", async (tx) => {
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, normalized));
    return user ? issueToken(tx, user.id, "reset_password") : null;
  });
  if (!token) return;
  const link = `${env.APP_URL}/reset-password?token=${encodeURIComponent(token)}`;
  await sendMail({
    to: normalized,
    subject: "Reset your Souk password",
    text: `Someone asked to reset the password of your Souk account.\n\nChoose a new password within one hour:\n${link}\n\nIf it was not you, ignore this message; your password is unchanged.`,
    html: `<p>Someone asked to reset the password of your Souk account.</p><p><a href="${link}">Choose a new password</a> (valid for one hour).</p><p>If it was not you, ignore this message; your password is unchanged.</p>`,
  });
}

export const resetPasswordInput = z.object({ token: text().min(1), password: passwordInput });

export async function resetPassword(input: z.output<typeof resetPasswordInput>): Promise<void> {
  const passwordHash = await hashPassword(input.password);
  await withSystem("password-reset", async (tx) => {
    const userId = await consumeToken(tx, input.token, "reset_password");
    if (!userId) throw new DomainError("bad_request", "This reset link is invalid or has expired. Ask for a new one.");
    // 1. New password; bumping the session version ends every session issued before, so a
    //    stolen cookie does not outlive the reset.
    const [user] = await tx
      .update(users)
      .set({ passwordHash, emailVerified: new Date(), sessionVersion: sql`${users.sessionVersion} + 1` }) // the link proved the address
      .where(eq(users.id, userId))
      .returning({ email: users.email });
    // 2. The other reset links mailed to this user die with it (one of them may be in other hands).
    await tx
      .update(authTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(authTokens.userId, userId), eq(authTokens.purpose, "reset_password"), isNull(authTokens.usedAt)));
    if (user) await clearSignInFailures(tx, user.email);
    await recordAudit(tx, { userId }, { tenantId: null, action: "user.password_reset", targetType: "user", targetId: userId });
  });
}

/** "Sign out of all devices": every session of this user, this one included, stops working. */
export async function signOutEverywhere(actor: Actor & { userId: string }): Promise<void> {
  await withSystem("sign-out-everywhere", async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, actor.userId))
      .returning({ id: users.id });
    if (!row) throw new DomainError("not_found", "Your account no longer exists");
    await recordAudit(tx, actor, { tenantId: null, action: "user.signed_out_everywhere", targetType: "user", targetId: row.id });
  });
}

export const grantPlatformAdminInput = z.object({ email: emailInput });

/** Makes an existing user a platform admin: only from the operator's CLI (`souk admin grant`), never by sign-up. */
export async function grantPlatformAdmin(actor: Actor, input: z.output<typeof grantPlatformAdminInput>): Promise<PublicUser> {
  return withSystem("grant-platform-admin", async (tx) => {
    const [row] = await tx.update(users).set({ isPlatformAdmin: true }).where(eq(users.email, input.email)).returning(publicColumns);
    if (!row) throw new DomainError("not_found", `No user signs in as ${input.email}: they must sign up first.`);
    await recordAudit(tx, actor, { tenantId: null, action: "user.platform_admin_granted", targetType: "user", targetId: row.id });
    return row;
  });
}
