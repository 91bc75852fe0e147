import { desc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { authTokens, capturedMails, users } from "@/server/db/schema";
import { makeUser, TEST_PASSWORD, uniqueSuffix } from "@/test/factories";
import { DomainError } from "./errors";
import { requestPasswordReset, resetPassword, signUp, signUpInput, verifyCredentials, verifyEmail } from "./users";

async function latestMailTo(email: string) {
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
});
