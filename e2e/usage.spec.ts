import { ownerTest as test, expect } from "./fixtures";

/**
 * Usage metering end to end: create a shop key in the dashboard, ingest usage with it over HTTP,
 * and see the Usage page move.
 */
/** The Usage page's figure for storefront visits, as a number ("1,240 visits" → 1240). */
async function visitsShown(page: import("@playwright/test").Page): Promise<number> {
  return Number((await page.getByTestId("usage-storefront_visits-used").textContent())!.replace(/[^0-9]/g, ""));
}

test("create an API key, ingest usage with it over HTTP, and see it on the Usage page", async ({ page, shop, request }) => {
  // The shop is shared with other specs whose storefront visits are metered too: start from its figure.
  await page.goto(`/dashboard/${shop.slug}/usage`);
  const before = await visitsShown(page);
  await page.goto(`/dashboard/${shop.slug}/api-keys`);
  await expect(page.getByText("No keys yet")).toBeVisible();
  await page.getByLabel("Name").fill("E2E ingest");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key-value").textContent())!.trim();
  expect(key).toMatch(/^souk_[A-Za-z0-9_-]{32}$/);
  const table = page.getByTestId("api-keys-table");
  await expect(table.getByText("E2E ingest")).toBeVisible();
  await expect(table.getByText(`${key.slice(0, 13)}…`)).toBeVisible();

  const occurredAt = new Date().toISOString();
  const post = (events: unknown[]) => request.post("/api/v1/usage", { headers: { authorization: `Bearer ${key}` }, data: { events } });
  const res = await post([
    { metric: "storefront_visits", quantity: 1234, occurredAt, idempotencyKey: "e2e-1" },
    { metric: "storage_gb_months", quantity: "0.5", occurredAt, idempotencyKey: "e2e-2" },
    { metric: "unknown_metric", quantity: 1, occurredAt, idempotencyKey: "e2e-3" },
  ]);
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ accepted: 2, duplicate: 0, rejected: 1, errors: [{ index: 2, code: "unknown_metric" }] });
  // A replay counts nothing twice.
  expect(await (await post([{ metric: "storefront_visits", quantity: 1234, occurredAt, idempotencyKey: "e2e-1" }])).json()).toMatchObject({ accepted: 0, duplicate: 1 });

  await page.getByRole("link", { name: "Usage" }).click();
  // At least the 1,234 ingested (other specs' buffered visits may land meanwhile), and not twice.
  await expect.poll(() => visitsShown(page).then((n) => n - before)).toBeGreaterThanOrEqual(1234);
  expect((await visitsShown(page)) - before).toBeLessThan(2 * 1234);
  await expect(page.getByTestId("usage-storage_gb_months-used")).toContainText("0.5");

  // Revoked: the key stops working at once.
  await page.getByRole("link", { name: "API keys" }).click();
  await page.getByRole("button", { name: "Revoke E2E ingest" }).click();
  await page.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(page.getByTestId("api-keys-table").getByText("revoked")).toBeVisible();
  const refused = await post([{ metric: "storefront_visits", quantity: 1, occurredAt, idempotencyKey: "e2e-4" }]);
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toMatchObject({ code: "revoked_key" });
});
