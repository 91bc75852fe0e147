import { and, desc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { authTokens, capturedMails, users } from "@/server/db/schema";
import { env } from "@/server/env";
import { runDueJobs } from "@/server/jobs/run-once";
import { makeUser, TEST_PASSWORD, uniqueSuffix } from "@/test/factories";
import { DomainError } from "./errors";
import { MAIL_JOBS, requestPasswordReset, resendVerification, resetPassword, signUp, signUpInput, verifyCredentials, verifyEmail } from "./users";

/** The newest mail to `email`, once the queued mail jobs have run. */
async function latestMailTo(email: string) {
  await runDueJobs();
  const [mail] = await db.select().from(capturedMails).where(eq(capturedMails.to, email)).orderBy(desc(capturedMails.id)).limit(1);
  return mail;
}

function tokenFrom(text: string, path: string) {
  const match = new RegExp(`${path}\\?token=([^\\s]+)`).exec(text);
  return decodeURIComponent(match![1]!);
}

async function errorOf(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}

describe("sign up", () => {
  it("stores an argon2id hash, never the password, and mails a verification link", async () => {
    const email = `New.User-${uniqueSuffix()}@Example.test`;
    const user = await signUp(signUpInput.parse({ name: "New", email, password: TEST_PASSWORD }), {});
    expect(user.email).toBe(email.toLowerCase());
    const [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row!.passwordHash).not.toContain(TEST_PASSWORD);
    const mail = await latestMailTo(user.email);
    expect(mail?.subject).toBe("Verify your email for Souk");
    expect(mail?.text).toContain("/verify-email?token=");
  });

  it("refuses a duplicate email, whatever its case, naming the field", async () => {
    const user = await makeUser();
    const error = await errorOf(signUp({ name: "Dup", email: user.email, password: TEST_PASSWORD }, {}));
    expect(error.code).toBe("bad_request");
    expect(error.fieldErrors).toEqual({ email: ["An account with this email already exists. Sign in instead."] });
    const parsed = signUpInput.parse({ name: "Dup", email: user.email.toUpperCase(), password: TEST_PASSWORD });
    expect((await errorOf(signUp(parsed, {}))).fieldErrors).toHaveProperty("email");
  });

  it("validates name, email and minimum password length", () => {
    const result = signUpInput.safeParse({ name: "", email: "nope", password: "short" });
    expect(result.success).toBe(false);
    const fields = result.error!.issues.map((i) => i.path[0]);
    expect(fields).toEqual(expect.arrayContaining(["name", "email", "password"]));
  });
});

describe("sign in", () => {
  it("accepts the right password and refuses a wrong one", async () => {
    const user = await makeUser();
    expect(await verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip: "203.0.113.1" })).toMatchObject({ id: user.id });
    expect(await verifyCredentials({ email: user.email, password: "wrong-password", ip: "203.0.113.1" })).toBeNull();
    expect(await verifyCredentials({ email: `nobody-${uniqueSuffix()}@example.test`, password: "whatever-pass", ip: "203.0.113.1" })).toBeNull();
  });

  it("locks an email after 5 failures, even for the right password", async () => {
    const user = await makeUser();
    for (let i = 0; i < 5; i++) {
      expect(await verifyCredentials({ email: user.email, password: `wrong-${i}-password`, ip: `198.51.100.${i}` })).toBeNull();
    }
    const error = await errorOf(verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip: "198.51.100.99" }));
    expect(error.code).toBe("rate_limited");
    expect(error.message).toMatch(/Too many failed sign-in attempts\. Try again in 1[45] minutes\./);
  });

  it("lets at most 5 of 20 parallel wrong attempts reach the password check", async () => {
    const user = await makeUser();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        verifyCredentials({ email: user.email, password: `wrong-${i}-password`, ip: null }).then(
          (result) => (result === null ? "checked" : "signed-in"),
          (error: unknown) => (error instanceof DomainError ? error.code : "crashed"),
        ),
      ),
    );
    // null means the password was verified (and was wrong); refused attempts never reach argon2.
    expect(outcomes.filter((o) => o === "checked")).toHaveLength(5);
    expect(outcomes.filter((o) => o === "rate_limited")).toHaveLength(15);
  });

  it("locks an IP after 20 failures across emails", async () => {
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 20; i++) {
      await verifyCredentials({ email: `spray-${i}-${uniqueSuffix()}@example.test`, password: "wrong-password", ip });
    }
    const user = await makeUser();
    expect((await errorOf(verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip }))).code).toBe("rate_limited");
    expect(await verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip: "192.0.2.251" })).toMatchObject({ id: user.id });
  });
});

describe("email verification", () => {
  it("verifies once; the link cannot be reused", async () => {
    const user = await makeUser();
    const token = tokenFrom((await latestMailTo(user.email))!.text, "/verify-email");
    expect(await verifyEmail(token)).toBe(true);
    const [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(row!.emailVerified).toBeInstanceOf(Date);
    expect(await verifyEmail(token)).toBe(false);
    expect(await verifyEmail("made-up-token")).toBe(false);
  });

  it("refuses an expired link", async () => {
    const user = await makeUser();
    const token = tokenFrom((await latestMailTo(user.email))!.text, "/verify-email");
    await db.update(authTokens).set({ expiresAt: sql`now() - interval '1 minute'` }).where(eq(authTokens.userId, user.id));
    expect(await verifyEmail(token)).toBe(false);
  });
});

describe("password reset", () => {
  it("sets a new password once, clears the lockout, and the old password stops working", async () => {
    const user = await makeUser();
    for (let i = 0; i < 5; i++) await verifyCredentials({ email: user.email, password: "wrong-password", ip: null });
    await requestPasswordReset(user.email.toUpperCase());
    const token = tokenFrom((await latestMailTo(user.email))!.text, "/reset-password");
    await resetPassword({ token, password: "a-brand-new-password" });
    expect(await verifyCredentials({ email: user.email, password: "a-brand-new-password", ip: null })).toMatchObject({ id: user.id });
    expect(await verifyCredentials({ email: user.email, password: TEST_PASSWORD, ip: null })).toBeNull();
    const reused = await errorOf(resetPassword({ token, password: "yet-another-password" }));
    expect(reused.message).toMatch(/invalid or has expired/);
  });

  it("does not reveal whether an account exists", async () => {
    const email = `ghost-${uniqueSuffix()}@example.test`;
    await expect(requestPasswordReset(email)).resolves.toBeUndefined();
    expect(await latestMailTo(email)).toBeUndefined();
  });

  it("does the same work for an existing and an unknown address: it only queues a job", async () => {
    const user = await makeUser();
    await runDueJobs(); // the sign-up's verification mail
    const ghost = `ghost-${uniqueSuffix()}@example.test`;
    for (const email of [user.email, ghost]) {
      await requestPasswordReset(email);
      // Nothing that depends on the account happened during the request: no token, no mail...
      expect(await resetTokensOf(user.id)).toBe(0);
      expect(await mailsTo(email)).toBe(0);
      // ...just one queued job, alike for both.
      expect(await queuedJobs(MAIL_JOBS.passwordReset, { email })).toBe(1);
    }
    await runDueJobs();
    expect(await resetTokensOf(user.id)).toBe(1);
    expect(await mailsTo(user.email)).toBe(1);
    expect(await mailsTo(ghost)).toBe(0);
  });

  it("sends at most 3 reset mails per address an hour", async () => {
    const user = await makeUser();
    for (let i = 0; i < 3; i++) await requestPasswordReset(user.email.toUpperCase());
    const error = await errorOf(requestPasswordReset(user.email));
    expect(error.code).toBe("rate_limited");
    expect(error.message).toMatch(/Too many emails requested\. Try again in (59|60) minutes\./);
    await runDueJobs();
    expect(await mailsTo(user.email)).toBe(3);
  });

  it("sends at most MAIL_RATE_LIMIT_PER_CLIENT_PER_HOUR account mails an hour at one client's request, whatever the addresses", async () => {
    const clientKey = `client-${uniqueSuffix()}`;
    for (let i = 0; i < env.MAIL_RATE_LIMIT_PER_CLIENT_PER_HOUR; i++) await requestPasswordReset(`victim-${i}-${uniqueSuffix()}@example.test`, { clientKey });
    expect((await errorOf(requestPasswordReset(`victim-x-${uniqueSuffix()}@example.test`, { clientKey }))).code).toBe("rate_limited");
    // A sign-up from that client counts too, and is refused whole (no account without its mail).
    const email = `late-${uniqueSuffix()}@example.test`;
    expect((await errorOf(signUp({ name: "Late", email, password: TEST_PASSWORD }, { clientKey }))).code).toBe("rate_limited");
    expect(await db.select().from(users).where(eq(users.email, email))).toEqual([]);
    // Another client is not affected.
    await expect(requestPasswordReset(`victim-y-${uniqueSuffix()}@example.test`, { clientKey: `other-${uniqueSuffix()}` })).resolves.toBeUndefined();
  });
});

describe("verification mail", () => {
  it("is sent by the worker, and resent at most 3 times an hour in all", async () => {
    const user = await makeUser();
    expect(await mailsTo(user.email, VERIFY_SUBJECT)).toBe(0);
    expect(await queuedJobs(MAIL_JOBS.verifyEmail, { userId: user.id })).toBe(1);
    await runDueJobs();
    expect(await mailsTo(user.email, VERIFY_SUBJECT)).toBe(1);
    await resendVerification(user.id);
    await resendVerification(user.id);
    expect((await errorOf(resendVerification(user.id))).code).toBe("rate_limited");
    await runDueJobs();
    expect(await mailsTo(user.email, VERIFY_SUBJECT)).toBe(3);
  });
});

const RESET_SUBJECT = "Reset your Souk password";
const VERIFY_SUBJECT = "Verify your email for Souk";

async function mailsTo(email: string, subject = RESET_SUBJECT) {
  return (await db.select().from(capturedMails).where(and(eq(capturedMails.to, email), eq(capturedMails.subject, subject)))).length;
}

async function resetTokensOf(userId: string) {
  return (await db.select().from(authTokens).where(and(eq(authTokens.userId, userId), eq(authTokens.purpose, "reset_password")))).length;
}

async function queuedJobs(task: string, payload: Record<string, string>) {
  const rows = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
        where t.identifier = ${task} and j.payload::jsonb = ${JSON.stringify(payload)}::jsonb`,
  );
  return rows[0]!.n;
}
