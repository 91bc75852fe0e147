import { writeFileSync, mkdirSync } from "node:fs";
import { test as setup } from "@playwright/test";
import { createShop, signUp, unique } from "./helpers";

/**
 * Signs up one owner with one shop and saves the browser state, so specs that
 * need a signed-in owner start from e2e/.auth/owner.json (see ownerTest in fixtures.ts).
 */
setup("sign up an owner with a shop", async ({ page }) => {
  const slug = unique("owner-shop");
  const email = `${slug}@example.test`;
  await signUp(page, { name: "Olivia Owner", email });
  await createShop(page, { name: "Owner Shop", slug });
  mkdirSync("e2e/.auth", { recursive: true });
  await page.context().storageState({ path: "e2e/.auth/owner.json" });
  writeFileSync("e2e/.auth/owner.json.meta", JSON.stringify({ email, slug }));
});
