import { expect, test, type Page } from "@playwright/test";

/** As server/db/seed.ts seeds them (not imported: that module loads the server's environment). */
const DEMO_OWNER = { email: "owner@demo.souk.local", password: "souk-demo-password" };
const DEMO_SHOP = { slug: "demo-shop" };

/**
 * Runs against `npm run dev` after a stop and a restart (scripts/dev-smoke.ts). The pages are
 * opened the ways a newcomer does: at the loopback address and at a shop's *.localhost address.
 */
const port = process.env.DEV_SMOKE_PORT;
if (!port) throw new Error("run through npm run test:dev (scripts/dev-smoke.ts)");

/** Counts full page loads: a dev server caught in a reload loop keeps adding to it. */
function countLoads(page: Page) {
  const counter = { loads: 0 };
  page.on("load", () => counter.loads++);
  return counter;
}

test("a page opened at http://127.0.0.1 runs its scripts: signing in goes through JS, not a plain GET", async ({ page }) => {
  await page.goto(`http://127.0.0.1:${port}/sign-in`);
  await page.getByLabel("Email").fill(DEMO_OWNER.email);
  await page.getByLabel("Password").fill(DEMO_OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Without its scripts the form falls back to GET /sign-in?email=…&password=… and stays there.
  // Compiling the dashboard takes minutes on a loaded machine.
  await expect(page).toHaveURL(new RegExp(`/dashboard/${DEMO_SHOP.slug}$`), { timeout: 240_000 });
  expect(page.url()).not.toContain("password");
});

test("a shop opened at {slug}.localhost runs its scripts and shows the demo catalog", async ({ page }) => {
  const beacon = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/api/storefront/visit"));
  await page.goto(`http://${DEMO_SHOP.slug}.localhost:${port}/`);
  await expect(page.getByText("Tea bowl").first()).toBeVisible();
  // The visit beacon is sent by the page's scripts once they run.
  await beacon;
});

test("pages do not reload themselves after a restart", async ({ page }) => {
  const counter = countLoads(page);
  await page.goto(`http://127.0.0.1:${port}/sign-up`);
  await page.waitForTimeout(8_000);
  await page.goto(`http://${DEMO_SHOP.slug}.localhost:${port}/`);
  await page.waitForTimeout(8_000);
  expect(counter.loads).toBe(2);
});
