import { expect, test } from "@playwright/test";
import { createShop, PASSWORD, signIn, signUp, unique } from "./helpers";

test("sign up, create a shop, rename it, sign out and back in", async ({ page }) => {
  const slug = unique("e2e-shop");
  const email = `${slug}@example.test`;
  await signUp(page, { name: "Ada Merchant", email });
  await createShop(page, { name: "Ada's Atelier", slug });
  await expect(page.getByRole("heading", { level: 1, name: "Ada's Atelier" })).toBeVisible();
  for (const area of ["Catalog", "Storefront", "Team", "Billing", "Settings"]) {
    await expect(page.getByRole("navigation", { name: "Shop" }).getByRole("link", { name: area })).toBeVisible();
  }

  await page.getByRole("navigation", { name: "Shop" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await page.getByLabel("Shop name").fill("Ada's Renamed Atelier");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved")).toBeVisible();
  await expect(page.getByTestId("current-shop-name")).toHaveText("Ada's Renamed Atelier");

  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await page.goto(`/dashboard/${slug}`);
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/dashboard/${slug}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Ada's Renamed Atelier" })).toBeVisible();
});

test("a wrong password shows an error and does not sign in", async ({ page }) => {
  const slug = unique("e2e-wrong");
  const email = `${slug}@example.test`;
  await signUp(page, { name: "Bo", email });
  await page.context().clearCookies();
  await signIn(page, email, "not-the-password");
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("an invalid sign-up shows field messages", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Cy");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("Use at least 10 characters")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-up/);
});

test("another user's shop can be neither read nor changed, in the UI or through tRPC", async ({ page }) => {
  const slug = unique("e2e-private");
  await signUp(page, { name: "Dee", email: `${slug}@example.test` });
  await createShop(page, { name: "Private Shop", slug });
  await page.context().clearCookies();
  const eveSlug = unique("e2e-eve");
  await signUp(page, { name: "Eve", email: `${eveSlug}@example.test` });
  await createShop(page, { name: "Eve Shop", slug: eveSlug });

  for (const path of [`/dashboard/${slug}`, `/dashboard/${slug}/settings`]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  }

  // Eve's own session cookie, calling the API directly.
  const input = encodeURIComponent(JSON.stringify({ json: { tenantSlug: slug } }));
  const read = await page.request.get(`/api/trpc/tenants.bySlug?input=${input}`);
  expect(read.status()).toBe(404);
  const write = await page.request.post("/api/trpc/tenants.updateSettings", {
    data: { json: { tenantSlug: slug, name: "Taken over" } },
  });
  expect(write.status()).toBe(404);
  const mine = await page.request.get(`/api/trpc/tenants.listMine`);
  expect(JSON.stringify(await mine.json())).not.toContain(slug);

  // Dee's shop is unchanged.
  await page.context().clearCookies();
  await signIn(page, `${slug}@example.test`);
  await expect(page).toHaveURL(new RegExp(`/dashboard/${slug}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Private Shop" })).toBeVisible();
});
