import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { createShop, signUp, unique } from "./helpers";

/**
 * The billing run from the platform admin's page to the shop's statement: a platform admin
 * (granted in the database, as the CLI would) starts last month's run, the worker runs it, the
 * page shows it succeed; the shop opens its statement and exports it as CSV. Anyone else gets
 * the 404 page at /admin.
 */
const databaseUrl = process.env.DATABASE_URL ?? "";
test.skip(!databaseUrl, "needs the e2e database (scripts/e2e.ts sets DATABASE_URL)");

const now = new Date();
const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 10);

test("an admin bills last month; the shop reads its usage statement and exports it", async ({ page }) => {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const email = `${unique("admin")}@example.test`;
    const slug = unique("stmt");
    await signUp(page, { name: "Platform Admin", email });
    await createShop(page, { name: "Statement Shop", slug });
    await sql`update users set is_platform_admin = true where email = ${email}`;
    // 6,200 storefront visits last month on the free trial (5,000 included).
    await sql`select usage_events_ensure_partition(${lastMonth}::date)`;
    await sql`
      insert into usage_events (tenant_id, period, idempotency_key, metric, quantity, occurred_at, source)
      select t.id, ${lastMonth}::date, 'e2e-' || g, 'storefront_visits', 100, (${lastMonth}::date::timestamp at time zone 'UTC') + make_interval(hours => g), 'storefront'
      from tenants t, generate_series(1, 62) g where t.slug = ${slug}`;

    await page.goto("/admin");
    await page.getByRole("link", { name: /Billing runs/ }).first().click();
    await expect(page.getByRole("heading", { name: "Billing runs" })).toBeVisible();
    await expect(page.getByLabel("Period (YYYY-MM)")).toHaveValue(lastMonth.slice(0, 7));
    await page.getByRole("button", { name: "Start run" }).click();
    const row = page.locator("tr[data-run-status]").first();
    await expect(row).toHaveAttribute("data-run-status", "succeeded", { timeout: 30_000 });
    await expect(row).toContainText(lastMonth.slice(0, 7));
    await expect(row).toContainText("admin:");

    // A bad period: a field error, nothing queued.
    await page.getByLabel("Period (YYYY-MM)").fill("2026-13");
    await page.getByRole("button", { name: "Start run" }).click();
    await expect(page.getByText("Give the period as a month, YYYY-MM")).toBeVisible();

    await page.goto(`/dashboard/${slug}/billing`);
    await page.getByRole("link", { name: "Usage statements" }).click();
    await expect(page.getByRole("heading", { name: "Usage statements" })).toBeVisible();
    const monthName = new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${lastMonth}T00:00:00Z`));
    await page.getByRole("link", { name: monthName }).click();
    const line = page.getByRole("row", { name: /Storefront visits/ });
    await expect(line).toContainText("6,200");
    await expect(line).toContainText("5,000");
    await expect(line).toContainText("1,200");

    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export CSV" }).click();
    const file = await download;
    const csv = await (await file.createReadStream()).toArray();
    const text = Buffer.concat(csv as Buffer[]).toString("utf8");
    expect(text).toContain("period,metric,quantity,included,billable,unit_price,amount,currency");
    expect(text).toContain(`${lastMonth.slice(0, 7)},storefront_visits,6200.000000,5000.000000,1200.000000`);
  } finally {
    await sql.end();
  }
});

test("the admin area is the 404 page for everyone else", async ({ page }) => {
  await page.goto("/admin/billing-runs");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await signUp(page, { name: "Shop Owner", email: `${unique("owner")}@example.test` });
  for (const path of ["/admin", "/admin/billing-runs"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  }
});
