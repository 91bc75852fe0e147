import postgres from "postgres";
import { expect, ownerTest as test } from "./fixtures";
import { unique } from "./helpers";

// A 1×1 PNG.
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

test("catalog to storefront to analytics: category, product with image, publish, KWD price, UTM source", async ({ page, shop }) => {
  const categoryName = unique("Lamps");
  const productName = unique("Brass Lamp");

  // 1. A category.
  await page.goto(`/dashboard/${shop.slug}/catalog/categories`);
  await page.getByLabel("Category name").fill(categoryName);
  await page.getByRole("button", { name: "Add category" }).click();
  await expect(page.getByRole("list", { name: "Categories" }).getByText(categoryName, { exact: true })).toBeVisible();

  // 2. A draft product priced in KWD (three decimals).
  await page.goto(`/dashboard/${shop.slug}/catalog/new`);
  await page.getByLabel("Name").fill(productName);
  await page.getByLabel("Price").fill("12.5");
  await page.getByLabel("Currency").fill("KWD");
  await page.getByLabel("Category").selectOption({ label: categoryName });
  await page.getByRole("button", { name: "Create product" }).click();
  await expect(page).toHaveURL(new RegExp(`/dashboard/${shop.slug}/catalog/[0-9a-f-]{36}$`));

  // The storefront (cached) does not show a draft.
  await page.goto(`/s/${shop.slug}`);
  await expect(page.getByTestId("shop-title")).toBeVisible();
  await expect(page.getByText(productName)).toHaveCount(0);
  await page.goBack();

  // 3. An image, straight to S3 with progress, then confirmed.
  await page.getByLabel("Upload images").setInputFiles({ name: "lamp.png", mimeType: "image/png", buffer: png });
  await expect(page.getByRole("list", { name: "Product images" }).getByRole("img")).toHaveCount(1);

  // 4. Publish.
  await page.getByLabel("Status").selectOption("published");
  await page.getByRole("button", { name: "Save product" }).click();
  await expect(page.getByText("Product saved")).toBeVisible();

  // 5. The public storefront shows it within seconds (tag revalidation), with the currency's own digits.
  await expect(async () => {
    await page.goto(`/s/${shop.slug}`);
    await expect(page.getByRole("link", { name: new RegExp(productName) })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole("link", { name: new RegExp(productName) }).getByTestId("product-price")).toHaveText(/KWD\s12\.500/);
  await page.getByRole("link", { name: new RegExp(productName) }).click();
  await expect(page.getByRole("heading", { level: 1, name: productName })).toBeVisible();
  await expect(page.getByTestId("product-price")).toHaveText(/KWD\s12\.500/);
  const src = await page.locator("main img").first().getAttribute("src");
  expect(src).toMatch(/\/tenants\/[0-9a-f-]+\/media\/[0-9a-f-]+\.png$/);
  expect((await page.request.get(src!)).status()).toBe(200);

  // Search by name (rendered per query, never served from a cached empty page).
  await page.goto(`/s/${shop.slug}/search?q=${encodeURIComponent(productName.toLowerCase())}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(productName.toLowerCase());
  await expect(page.getByRole("link", { name: new RegExp(productName) })).toBeVisible();
  await page.goto(`/s/${shop.slug}/search?q=no-such-thing-anywhere`);
  await expect(page.getByText("No products match your search.")).toBeVisible();

  // Unknown product: the shop's own 404, with a real 404 status.
  const missing = await page.goto(`/s/${shop.slug}/p/${unique("nope")}`);
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "We couldn’t find that page" })).toBeVisible();

  // 6. A visit from a newsletter link shows up on the Analytics page.
  await page.goto(`/s/${shop.slug}?utm_source=newsletter&utm_campaign=launch`);
  await expect(page.getByTestId("shop-title")).toBeVisible();
  await expect(async () => {
    await page.goto(`/dashboard/${shop.slug}/analytics`);
    await expect(page.getByTestId("top-sources")).toContainText("newsletter", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole("heading", { name: "Top campaigns" })).toBeVisible();
});

test("SEO: sitemap.xml and robots.txt per shop", async ({ page, shop }) => {
  const sitemap = await page.request.get(`/s/${shop.slug}/sitemap.xml`);
  expect(sitemap.status()).toBe(200);
  expect(await sitemap.text()).toContain(`/s/${shop.slug}</loc>`);
  const robots = await page.request.get(`/s/${shop.slug}/robots.txt`);
  expect(await robots.text()).toContain(`Sitemap: `);
});

test("SEO: an unpublished storefront lists nothing in sitemap.xml and keeps crawlers out in robots.txt", async ({ page }) => {
  // An active shop with a published product, whose storefront is switched off.
  const sql = postgres(process.env.DATABASE_URL!, { max: 1 });
  const slug = unique("e2e-unpublished");
  try {
    const [tenant] = await sql<{ id: string }[]>`insert into tenants (slug, name, status) values (${slug}, 'Unpublished Shop', 'active') returning id`;
    await sql`insert into storefront_settings (tenant_id, published) values (${tenant!.id}, false)`;
    await sql`insert into products (tenant_id, slug, name, price, status) values (${tenant!.id}, 'hidden-lamp', 'Hidden Lamp', 3, 'published')`;
  } finally {
    await sql.end();
  }
  const sitemap = await page.request.get(`/s/${slug}/sitemap.xml`);
  expect(sitemap.status()).toBe(404);
  expect(await sitemap.text()).not.toContain("hidden-lamp");
  const robots = await page.request.get(`/s/${slug}/robots.txt`);
  expect(robots.status()).toBe(200);
  expect(await robots.text()).toBe("User-agent: *\nDisallow: /\n");
});

test("a suspended shop's storefront answers HTTP 503 temporarily unavailable", async ({ page }) => {
  // scripts/e2e.ts passes the run's DATABASE_URL; the shop is inserted already suspended (as billing would leave it).
  const sql = postgres(process.env.DATABASE_URL!, { max: 1 });
  const slug = unique("e2e-suspended");
  try {
    await sql`insert into tenants (slug, name, status) values (${slug}, 'Suspended Shop', 'suspended')`;
  } finally {
    await sql.end();
  }
  for (const path of [`/s/${slug}`, `/s/${slug}/p/anything`]) {
    const res = await page.request.get(path);
    expect(res.status()).toBe(503);
    expect(await res.text()).toContain("temporarily unavailable");
  }
  const response = await page.goto(`/s/${slug}`);
  expect(response?.status()).toBe(503);
  await expect(page.getByRole("heading", { name: "This shop is temporarily unavailable" })).toBeVisible();
});
