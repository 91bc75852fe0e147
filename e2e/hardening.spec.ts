import { expect, test, type Page } from "@playwright/test";
import { createShop, PASSWORD, signIn, signUp, unique } from "./helpers";

/** Where /sign-in sends an already signed-in browser, read from the redirect itself. */
async function signedInRedirect(page: Page, callbackUrl: string) {
  const response = await page.request.get(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`, { maxRedirects: 0 });
  expect(response.status(), callbackUrl).toBeGreaterThanOrEqual(300);
  expect(response.status(), callbackUrl).toBeLessThan(400);
  return new URL(response.headers()["location"]!, page.url());
}

test("a signed-in /sign-in never redirects off-site, and keeps a same-origin path and query", async ({ page, baseURL }) => {
  const slug = unique("e2e-redirect");
  await signUp(page, { name: "Rae", email: `${slug}@example.test` });
  const origin = new URL(baseURL!).origin;
  for (const target of ["/\\evil.example", "/%5Cevil.example", "//evil.example", "https://evil.example/", "/\t/evil.example", "javascript:alert(1)"]) {
    expect((await signedInRedirect(page, target)).origin, target).toBe(origin);
  }
  const kept = await signedInRedirect(page, "/dashboard?from=mail");
  expect(kept.origin).toBe(origin);
  expect(`${kept.pathname}${kept.search}`).toBe("/dashboard?from=mail");
  // And in the browser itself.
  await page.goto("/sign-in?callbackUrl=/%5Cevil.example");
  expect(new URL(page.url()).origin).toBe(origin);
});

test("'Sign out of all devices' ends the other device's session (401) after a confirmation", async ({ page, browser }) => {
  test.setTimeout(120_000); // two browsers on a shared machine
  const slug = unique("e2e-everywhere");
  const email = `${slug}@example.test`;
  await signUp(page, { name: "Sol", email });
  await createShop(page, { name: "Sol's Shop", slug });

  const other = await browser.newContext({ baseURL: new URL(page.url()).origin });
  const phone = await other.newPage();
  await phone.goto(`/sign-in?callbackUrl=${encodeURIComponent(`/dashboard/${slug}`)}`);
  await phone.getByLabel("Email").fill(email);
  await phone.getByLabel("Password").fill(PASSWORD);
  await phone.getByRole("button", { name: "Sign in" }).click();
  await expect(phone).toHaveURL(new RegExp(`/dashboard/${slug}$`), { timeout: 30_000 });
  expect((await phone.request.get("/api/trpc/users.me")).status()).toBe(200);

  await page.goto(`/dashboard/${slug}/settings`);
  await page.getByRole("button", { name: "Sign out of all devices" }).click();
  await expect(page.getByText("this one included, will be signed out")).toBeVisible();
  await page.getByRole("button", { name: "Yes, sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  expect((await phone.request.get("/api/trpc/users.me")).status()).toBe(401);
  await phone.goto(`/dashboard/${slug}`);
  await expect(phone).toHaveURL(/\/sign-in/);
  await other.close();

  // The password still works: signing in again starts a fresh session.
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/dashboard/, { timeout: 30_000 });
  expect((await page.request.get("/api/trpc/users.me")).status()).toBe(200);
});

test("a password reset ends a session opened before it; the reset link is mailed by the worker", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const slug = unique("e2e-reset");
  const email = `${slug}@example.test`;
  await signUp(page, { name: "Tam", email });
  const stolen = page.context();
  expect((await page.request.get("/api/trpc/users.me")).status()).toBe(200);

  const owner = await browser.newContext({ baseURL: new URL(page.url()).origin });
  const tab = await owner.newPage();
  await tab.goto("/forgot-password");
  await tab.getByLabel("Email").fill(email);
  await tab.getByRole("button", { name: "Send reset link" }).click();
  await expect(tab.getByText("If an account exists for that address")).toBeVisible();

  let link: string | undefined;
  await expect(async () => {
    await tab.goto("/dev/mailbox");
    const mail = tab.getByRole("article", { name: "Reset your Souk password" }).filter({ hasText: email }).first();
    link = (await mail.getByRole("link").first().getAttribute("href")) ?? undefined;
    expect(link).toContain("/reset-password?token=");
  }).toPass({ timeout: 30_000 });
  await tab.goto(new URL(link!).pathname + new URL(link!).search);
  await tab.getByLabel("New password").fill("a-brand-new-e2e-password");
  await tab.getByRole("button", { name: "Set new password" }).click();
  await expect(tab).toHaveURL(/\/sign-in\?notice=password-reset/);
  await owner.close();

  expect((await stolen.request.get("/api/trpc/users.me")).status()).toBe(401);
});
