import { desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { capturedMails } from "@/server/db/schema";
import { requestPasswordReset, resetPassword, signOutEverywhere } from "@/server/domain/users";
import { runDueJobs } from "@/server/jobs/run-once";
import { request, signInOverHttp, type CookieJar } from "@/test/auth-http";
import { makeUser, TEST_PASSWORD } from "@/test/factories";
import { GET } from "./route";

/** users.me through the app's own tRPC route handler, with the browser's cookies. */
async function me(jar: CookieJar) {
  const input = encodeURIComponent(JSON.stringify({ json: null }));
  const response = await GET(request(`/api/trpc/users.me?input=${input}`, jar), { params: Promise.resolve({ trpc: "users.me" }) });
  return response!.status;
}

async function resetLinkToken(email: string) {
  await requestPasswordReset(email);
  await runDueJobs();
  const [mail] = await db.select().from(capturedMails).where(eq(capturedMails.to, email)).orderBy(desc(capturedMails.id)).limit(1);
  return decodeURIComponent(/\/reset-password\?token=([^\s]+)/.exec(mail!.text)![1]!);
}

describe("sessions end when the password is reset", () => {
  it("a cookie taken before the reset gets 401 after it; a new sign-in works", async () => {
    const user = await makeUser();
    const stolen = await signInOverHttp(user.email, TEST_PASSWORD);
    const mine = await signInOverHttp(user.email, TEST_PASSWORD);
    expect(await me(stolen)).toBe(200);

    await resetPassword({ token: await resetLinkToken(user.email), password: "a-brand-new-password" });

    expect(await me(stolen)).toBe(401);
    expect(await me(mine)).toBe(401);
    expect(await me(await signInOverHttp(user.email, "a-brand-new-password"))).toBe(200);
  });

  it("a reset link dies when another one is used", async () => {
    const user = await makeUser();
    const first = await resetLinkToken(user.email);
    const second = await resetLinkToken(user.email);
    await resetPassword({ token: second, password: "a-brand-new-password" });
    await expect(resetPassword({ token: first, password: "the-attackers-password" })).rejects.toThrow(/invalid or has expired/);
    expect(await me(await signInOverHttp(user.email, "a-brand-new-password"))).toBe(200);
  });

  it("signing out of all devices ends every session of that user only", async () => {
    const user = await makeUser();
    const other = await makeUser();
    const laptop = await signInOverHttp(user.email, TEST_PASSWORD);
    const phone = await signInOverHttp(user.email, TEST_PASSWORD);
    const someoneElse = await signInOverHttp(other.email, TEST_PASSWORD);

    await signOutEverywhere({ userId: user.id });

    expect(await me(laptop)).toBe(401);
    expect(await me(phone)).toBe(401);
    expect(await me(someoneElse)).toBe(200);
  });
});
