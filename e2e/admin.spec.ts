import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { createShop, signUp, unique } from "./helpers";

/**
 * The operators' console: a platform admin (granted in the database, as the CLI would) finds a
 * shop, impersonates its owner (banner, console refused meanwhile, Stop), suspends the shop with
 * a reason and finds both in the audit trail, and replays a failed Stripe event from the log.
 * The shop's owner gets the 404 page at /admin.
 */
const databaseUrl = process.env.DATABASE_URL ?? "";
test.skip(!databaseUrl, "needs the e2e database (scripts/e2e.ts sets DATABASE_URL)");

test("an admin impersonates a shop owner, stops, suspends the shop, and reads the audit trail", async ({ page, browser }) => {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const ownerPage = await (await browser.newContext()).newPage();
  try {
    const slug = unique("imp");
    const ownerEmail = `${unique("owner")}@example.test`;
    await signUp(ownerPage, { name: "Shop Owner", email: ownerEmail });
    await createShop(ownerPage, { name: "Impersonated Shop", slug });
    for (const path of ["/admin", "/admin/users", "/admin/audit"]) {
      await ownerPage.goto(path);
      await expect(ownerPage.getByRole("heading", { name: "Page not found" })).toBeVisible();
    }

    const adminEmail = `${unique("admin")}@example.test`;
    await signUp(page, { name: "Platform Admin", email: adminEmail });
    await sql`update users set is_platform_admin = true where email = ${adminEmail}`;

    await page.goto("/admin");
    await expect(page.getByTestId("mrr")).toBeVisible();
    await page.getByLabel("Search").fill(slug);
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByRole("link", { name: "Impersonated Shop" }).click();
    await expect(page.getByRole("heading", { name: "Impersonated Shop" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Members" })).toContainText(ownerEmail);

    // Impersonate the owner from the shop's page.
    await page.getByRole("button", { name: `Impersonate ${ownerEmail}` }).click();
    const dialog = page.getByRole("dialog", { name: `Impersonate ${ownerEmail}?` });
    await dialog.getByLabel("Reason").fill("customer asked for help with the catalog");
    await dialog.getByRole("button", { name: "Start impersonating" }).click();
    await expect(page).toHaveURL(new RegExp(`/dashboard/${slug}$`));
    const banner = page.getByTestId("impersonation-banner");
    await expect(banner).toContainText(ownerEmail);
    await expect(banner).toContainText(adminEmail);
    await page.goto("/admin");
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await page.goto(`/dashboard/${slug}`);
    await page.getByTestId("impersonation-banner").getByRole("button", { name: "Stop impersonating" }).click();
    await expect(page.getByRole("heading", { name: ownerEmail })).toBeVisible();
    await expect(page.getByRole("table", { name: "Impersonations" })).toContainText("customer asked for help with the catalog");

    // Suspend the shop, with a reason, behind a confirmation.
    await page.getByRole("link", { name: "Impersonated Shop" }).click();
    await page.getByRole("button", { name: "Suspend" }).click();
    const suspend = page.getByRole("dialog", { name: "Suspend Impersonated Shop?" });
    // Too short a reason: the server's field message, and nothing changes.
    await suspend.getByLabel("Reason").fill("no");
    await suspend.getByRole("button", { name: "Suspend shop" }).click();
    await expect(suspend.getByText("Give a reason (at least 3 characters)")).toBeVisible();
    expect((await sql<{ status: string }[]>`select status from tenants where slug = ${slug}`)[0]!.status).toBe("active");
    await suspend.getByLabel("Reason").fill("chargeback investigation");
    await suspend.getByRole("button", { name: "Suspend shop" }).click();
    await expect(page.locator('[data-status="suspended"]').first()).toBeVisible();
    const [shop] = await sql<{ status: string }[]>`select status from tenants where slug = ${slug}`;
    expect(shop!.status).toBe("suspended");

    // Both actions are in the audit trail, with the admin named.
    await page.goto(`/admin/audit?shop=${slug}`);
    const trail = page.getByRole("table", { name: "Audit trail" });
    await expect(trail.getByRole("row", { name: /impersonation\.started/ })).toContainText(adminEmail);
    await expect(trail.getByRole("row", { name: /tenant\.status_changed.*chargeback investigation/ })).toContainText(adminEmail);
    await expect(trail.getByRole("row", { name: /impersonation\.ended/ })).toContainText(`impersonated by ${adminEmail}`);
  } finally {
    await ownerPage.context().close();
    await sql.end();
  }
});

test("an admin replays the failed Stripe events of a type and sees them processed", async ({ page }) => {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const adminEmail = `${unique("admin")}@example.test`;
    await signUp(page, { name: "Platform Admin", email: adminEmail });
    await sql`update users set is_platform_admin = true where email = ${adminEmail}`;
    const type = `customer.e2e_${unique("t").replace(/-/g, "_")}`;
    const id = `evt_${unique("e2e").replace(/-/g, "")}`;
    const payload = { id, object: "event", type, created: 1, data: { object: { id: "cus_e2e", object: "customer" } } };
    await sql`insert into stripe_events (id, type, created, payload, status, attempts, last_error) values (${id}, ${type}, 1, ${sql.json(payload)}, 'failed', 5, 'boom')`;

    await page.goto(`/admin/stripe-events?status=failed&type=${type}`);
    const row = page.locator(`tr[data-event-id="${id}"]`);
    await expect(row).toContainText("boom");
    await row.getByRole("link", { name: id }).click();
    await expect(page.getByLabel("Payload")).toContainText(`"type": "${type}"`);
    await page.getByRole("button", { name: `Replay all failed ${type} (1)` }).click();
    await page.getByRole("dialog", { name: "Replay every failed event of this filter?" }).getByRole("button", { name: "Replay" }).click();
    const result = page.getByTestId("replay-result").first();
    await expect(result).toContainText("Replay finished: 1 processed, 0 failed.", { timeout: 30_000 });
    await expect(result).toContainText(`unhandled type ${type}`);
  } finally {
    await sql.end();
  }
});
