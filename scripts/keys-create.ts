/**
 * npm run keys:create -- --platform --name X [--scopes usage:write,admin] [--expires-days N]
 *
 * Creates a platform service key (for the operator's own services that report usage on behalf
 * of shops) without a signed-in platform admin: the bootstrap path. Needs DATABASE_URL (or .env).
 * Prints the key once; only its sha256 is stored. The creation is audited (no user as actor).
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";

if (existsSync(".env")) process.loadEnvFile(".env");
const { values } = parseArgs({
  options: { platform: { type: "boolean", default: false }, name: { type: "string" }, scopes: { type: "string", default: "usage:write" }, "expires-days": { type: "string" } },
});
if (!values.platform || !values.name) {
  console.error("usage: npm run keys:create -- --platform --name <name> [--scopes usage:write] [--expires-days N]");
  console.error("(shop keys are created by a shop admin on the dashboard's API keys page)");
  process.exit(2);
}
const { closeDb } = await import("../server/db/client");
const { createApiKeyInput, createPlatformApiKey } = await import("../server/domain/api-keys");
const parsed = createApiKeyInput.safeParse({ name: values.name, scopes: values.scopes.split(",").map((s) => s.trim()), expiresInDays: values["expires-days"] ? Number(values["expires-days"]) : null });
if (!parsed.success) {
  console.error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  await closeDb();
  process.exit(2);
}
const { key, apiKey } = await createPlatformApiKey({ userId: null, requestId: "cli:keys:create" }, parsed.data);
console.log(`Created platform key "${apiKey.name}" (${apiKey.prefix}…, scopes ${apiKey.scopes.join(", ")}, ${apiKey.expiresAt ? `expires ${apiKey.expiresAt.toISOString()}` : "never expires"}).`);
console.log("Copy it now; it is not shown again:");
console.log(key);
await closeDb();
