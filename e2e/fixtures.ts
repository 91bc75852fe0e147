import { readFileSync } from "node:fs";
import { test as base } from "@playwright/test";

/** Specs for a signed-in shop owner: `ownerTest("...", async ({ page, shop }) => ...)`. */
export const ownerTest = base.extend<{ shop: { email: string; slug: string } }>({
  storageState: "e2e/.auth/owner.json",
  shop: async ({ browserName: _ }, provide) => {
    await provide(JSON.parse(readFileSync("e2e/.auth/owner.json.meta", "utf8")) as { email: string; slug: string });
  },
});
export { expect } from "@playwright/test";
