import { randomBytes } from "node:crypto";
import { expect, type Page } from "@playwright/test";

export const PASSWORD = "e2e-password-long-enough";

export function unique(prefix: string) {
  return `${prefix}-${randomBytes(3).toString("hex")}`;
}

export async function signUp(page: Page, { name, email }: { name: string; email: string }) {
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/onboarding$/);
}

export async function createShop(page: Page, { name, slug }: { name: string; slug: string }) {
  await page.getByLabel("Shop name").fill(name);
  await page.getByLabel("Shop address").fill(slug);
  await page.getByRole("button", { name: "Create shop" }).click();
  await expect(page).toHaveURL(new RegExp(`/dashboard/${slug}$`));
}

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
