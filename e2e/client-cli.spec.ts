import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type APIRequestContext, type Browser } from "@playwright/test";
import postgres from "postgres";
import { createShop, signUp, unique } from "./helpers";

/**
 * The typed client and the `souk` CLI against the running `next start` (scripts/e2e.ts):
 * 1. the client package is built, packed with `npm pack`, installed into a throwaway TypeScript
 *    project outside the repository, typechecked there, and run against the server with a shop key;
 * 2. every CLI command's output and exit code, from `npx souk` in the repository and from the
 *    packed package's own bin.
 */
const run = promisify(execFile);
const root = process.cwd();
const baseUrl = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3000";
const databaseUrl = process.env.DATABASE_URL ?? "";
test.skip(!databaseUrl, "needs the e2e database (scripts/e2e.ts sets DATABASE_URL)");
test.describe.configure({ mode: "serial" });

type Shop = { slug: string; key: string; email: string; adminKey: string };
let shop: Shop;
let otherShop: Shop;
let otherProductId: string;
let newUserEmail: string;
let work: string;

/** A tRPC mutation with the owner's session (the dashboard's way of making shops and keys). */
async function mutate<T>(request: APIRequestContext, pathName: string, input: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${pathName}`, { data: { json: input }, headers: { origin: baseUrl } });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

/** A fresh owner signs up and opens a shop (a second shop would need a verified email), then makes a shop key. */
async function makeShop(browser: Browser, name: string): Promise<Shop & { email: string; request: APIRequestContext; close: () => Promise<void> }> {
  const slug = unique(name.toLowerCase().replace(/\W+/g, "-"));
  const email = `${slug}@example.test`;
  const context = await browser.newContext({ baseURL: baseUrl });
  const page = await context.newPage();
  await signUp(page, { name: `${name} Owner`, email });
  await createShop(page, { name, slug });
  const { key } = await mutate<{ key: string }>(context.request, "apiKeys.create", { tenantSlug: slug, name: "e2e client", scopes: ["catalog:write", "usage:write"], expiresInDays: 30 });
  // The team commands: inviting needs a key with the admin scope.
  const { key: adminKey } = await mutate<{ key: string }>(context.request, "apiKeys.create", { tenantSlug: slug, name: "e2e team", scopes: ["admin"], expiresInDays: 30 });
  return { slug, key, adminKey, email, request: context.request, close: () => context.close() };
}

test.beforeAll(async ({ browser }) => {
  const first = await makeShop(browser, "Client Shop");
  shop = first;
  // Its owner is made a platform admin by `souk admin grant` below (the shared owner stays plain).
  newUserEmail = first.email;
  await first.close();
  const second = await makeShop(browser, "Other Client Shop");
  otherShop = second;
  otherProductId = (await mutate<{ id: string }>(second.request, "catalog.createProduct", { tenantSlug: otherShop.slug, name: "Not yours", price: "1" })).id;
  await second.close();
  work = mkdtempSync(path.join(os.tmpdir(), "souk-client-e2e-"));
});
test.afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

type Result = { code: number; stdout: string; stderr: string };
type Souk = (args: string[], code: number, extra?: Record<string, string>) => Promise<Result>;

/** `souk ARGS` from the repository with its own config directory, asserting the exit code and logging the session. */
function soukRunner(config: string): Souk {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: config, NO_COLOR: "1" };
  delete env.SOUK_URL;
  delete env.SOUK_API_KEY;
  return async (args, code, extra = {}) => {
    const r = await exec(process.execPath, ["bin/souk.mjs", ...args], { env: { ...env, ...extra } });
    console.log(`$ souk ${args.join(" ")}   → exit ${r.code}\n${r.stdout}${r.stderr}`);
    expect(r.code, `souk ${args.join(" ")}: ${r.stderr}`).toBe(code);
    return r;
  };
}

async function exec(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: options.cwd ?? root, env: options.env ?? process.env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

test("the packed client installs into a throwaway project, typechecks, and works against next start", async () => {
  test.setTimeout(600_000);
  const build = await exec(process.execPath, ["packages/client/build.mjs"]);
  expect(build.code, build.stderr).toBe(0);
  const packDir = path.join(work, "pack");
  mkdirSync(packDir);
  const pack = await exec("npm", ["pack", "--pack-destination", packDir], { cwd: path.join(root, "packages/client") });
  expect(pack.code, pack.stderr).toBe(0);
  const tarball = path.join(packDir, readdirSync(packDir).find((f) => f.endsWith(".tgz"))!);

  const project = path.join(work, "app");
  mkdirSync(path.join(project, "src"), { recursive: true });
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "throwaway", private: true, type: "module" }));
  writeFileSync(
    path.join(project, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2023", "DOM"], types: [], skipLibCheck: true, outDir: "dist", rootDir: "src" } }),
  );
  writeFileSync(
    path.join(project, "src/main.ts"),
    `import { createSoukClient, SoukError, type SoukInputs, type SoukOutputs } from "@souk/client";

declare const process: { env: Record<string, string | undefined>; exitCode?: number };
const [url, apiKey, otherProductId] = [process.env.SOUK_URL!, process.env.SOUK_API_KEY!, process.env.OTHER_PRODUCT_ID!];
const souk = createSoukClient({ url, apiKey });

const me = await souk.users.whoami.query();
if (me.kind !== "shop_key") throw new Error("expected a shop key");
const tenantSlug: string = me.tenantSlug;
const input: SoukInputs["catalog"]["createProduct"] = { tenantSlug, name: "Packed lamp", price: "7.250" };
// @ts-expect-error price is required: the router's types reached this project
void souk.catalog.createProduct.mutate({ tenantSlug, name: "No price" }).catch(() => undefined);
const before: SoukOutputs["catalog"]["listProducts"] = await souk.catalog.listProducts.query({ tenantSlug });
const created = await souk.catalog.createProduct.mutate(input);
const read = await souk.catalog.getProduct.query({ tenantSlug, id: created.id });
const createdAt: Date = read.createdAt;
const usage = await souk.ingestUsage([{ metric: "api_calls", quantity: 2, occurredAt: new Date(), idempotencyKey: "packed-" + created.id }]);
let notFound: { code: string; status: number | null; requestId: string | null; isSoukError: boolean } | null = null;
try {
  await souk.catalog.getProduct.query({ tenantSlug, id: otherProductId });
} catch (error) {
  if (error instanceof SoukError) notFound = { code: error.code, status: error.status, requestId: error.requestId, isSoukError: true };
}
console.log(JSON.stringify({ before: before.items.length, created: { name: created.name, price: created.price }, readBack: read.id === created.id, createdAtIsDate: createdAt instanceof Date, usage, notFound }));
`,
  );
  // Offline first: the tarball's dependencies come from the npm cache this repository's install filled.
  const install = await exec("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], { cwd: project });
  expect(install.code, install.stderr).toBe(0);
  const tsc = await exec(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", project]);
  console.log(`[client] tsc in the throwaway project: exit ${tsc.code}${tsc.stdout ? `\n${tsc.stdout}` : ""}`);
  expect(tsc.code, tsc.stdout).toBe(0);

  const result = await exec(process.execPath, ["dist/main.js"], { cwd: project, env: { ...process.env, SOUK_URL: baseUrl, SOUK_API_KEY: shop.key, OTHER_PRODUCT_ID: otherProductId } });
  console.log(`[client] throwaway project's run: ${result.stdout}`);
  expect(result.code, result.stderr).toBe(0);
  const out = JSON.parse(result.stdout) as { before: number; created: { name: string; price: string }; readBack: boolean; createdAtIsDate: boolean; usage: { accepted: number }; notFound: { code: string; status: number; requestId: string; isSoukError: boolean } };
  expect(out).toMatchObject({ before: 0, created: { name: "Packed lamp", price: "7.250" }, readBack: true, createdAtIsDate: true, usage: { accepted: 1, duplicate: 0, rejected: 0 } });
  expect(out.notFound).toMatchObject({ code: "NOT_FOUND", status: 404, isSoukError: true });
  expect(out.notFound.requestId).toMatch(/^[0-9a-f-]{36}$/);

  // The packed package's own bin: `npx souk` from the client package.
  const cli = await exec(path.join(project, "node_modules/.bin/souk"), ["whoami", "--json"], { cwd: project, env: { ...process.env, SOUK_URL: baseUrl, SOUK_API_KEY: shop.key } });
  expect(cli.code, cli.stderr).toBe(0);
  expect(JSON.parse(cli.stdout)).toMatchObject({ kind: "shop_key", tenantSlug: shop.slug });
});

test("the souk CLI: each command's output and exit code", async () => {
  test.setTimeout(300_000);
  const config = path.join(work, "config");
  const expectRun = soukRunner(config);

  expect((await expectRun(["--help"], 0)).stdout).toContain("Usage: souk");
  expect((await expectRun(["products", "list", "--help"], 0)).stdout).toContain("--status <status>");
  expect((await expectRun(["nonsense"], 2)).stderr).toContain("unknown command 'nonsense'");
  expect((await expectRun(["whoami"], 2)).stderr).toContain("Not logged in");

  // Login: refused key → 1; a good one is saved 0600.
  expect((await expectRun(["login", "--url", baseUrl, "--api-key", "souk_not_a_real_key_at_all_000000"], 1)).stderr).toMatch(/UNAUTHORIZED/);
  expect((await expectRun(["login", "--url", baseUrl, "--api-key", shop.key], 0)).stdout).toContain(`Logged in to ${baseUrl} as a shop key of ${shop.slug}`);
  expect(statSync(path.join(config, "souk/config.json")).mode & 0o777).toBe(0o600);
  expect((await expectRun(["whoami"], 0)).stdout).toContain(`a shop key of ${shop.slug}`);
  expect(JSON.parse((await expectRun(["whoami", "--json"], 0)).stdout)).toMatchObject({ kind: "shop_key", tenantSlug: shop.slug });

  const health = await expectRun(["health"], 0);
  expect(health.stdout).toMatch(/db\s*│\s*ok/);
  expect(JSON.parse((await expectRun(["health", "--json"], 0)).stdout)).toMatchObject({ status: "ok", db: "ok" });

  // Products: create, bad input (1) and bad flags (2), list as a table and as JSON.
  expect((await expectRun(["products", "create", "--name", "CLI lamp", "--price", "9.500", "--sku", "LAMP-1", "--stock", "4"], 0)).stdout).toContain("CLI lamp");
  expect((await expectRun(["products", "create", "--name", "Cheap", "--price", "cheap"], 1)).stderr).toContain("price: Enter a price like 12.500");
  expect((await expectRun(["products", "create", "--name", "Negative", "--price", "1", "--stock", "-1"], 2)).stderr).toContain("--stock must be a whole number");
  expect((await expectRun(["products", "list", "--status", "bogus"], 2)).stderr).toContain("Allowed choices are draft, published, archived");
  expect((await expectRun(["products", "list"], 0)).stdout).toMatch(/CLI lamp.*9\.500/);

  // Import: per-row errors, exit 1 while a row fails; a second run skips what was created.
  const csv = path.join(work, "products.csv");
  writeFileSync(csv, "name,price,currency,sku,stock,status\nCSV mug,4.250,,MUG-1,10,published\nCSV bowl,6,,BOWL-1,,draft\nCSV broken,lots,,,,\n");
  const first = await expectRun(["products", "import", csv], 1);
  expect(first.stdout).toContain("2 created, 0 already imported, 1 failed (of 3 rows).");
  expect(first.stderr).toContain("row 4: price: Enter a price like 12.500");
  expect((await expectRun(["products", "import", csv], 1)).stdout).toContain("0 created, 2 already imported, 1 failed (of 3 rows).");
  writeFileSync(csv, "name,price,currency,sku,stock,status\nCSV mug,4.250,,MUG-1,10,published\nCSV bowl,6,,BOWL-1,,draft\nCSV fixed,3,,,,\n");
  expect((await expectRun(["products", "import", csv, "--json"], 0)).stdout).toContain('"created": 1');
  const listed = JSON.parse((await expectRun(["products", "list", "--json"], 0)).stdout) as { name: string }[];
  expect(listed.map((p) => p.name).sort()).toEqual(["CLI lamp", "CSV bowl", "CSV fixed", "CSV mug", "Packed lamp"]);

  // Usage from NDJSON: per-line errors, batches, a replay counts as duplicate.
  const ndjson = path.join(work, "usage.ndjson");
  const now = new Date().toISOString();
  writeFileSync(ndjson, [1, 2, 3].map((i) => JSON.stringify({ metric: "api_calls", quantity: i, occurredAt: now, idempotencyKey: `cli-${i}` })).join("\n") + "\n" + JSON.stringify({ metric: "nope", quantity: 1, occurredAt: now, idempotencyKey: "cli-x" }) + "\n{not json\n");
  const sent = await expectRun(["usage", "send", ndjson, "--batch-size", "2"], 1);
  expect(sent.stdout).toContain("3 accepted, 0 duplicate, 2 rejected (of 5 events).");
  expect(sent.stderr).toContain("line 4: unknown_metric");
  expect(sent.stderr).toContain("line 5: invalid_json");
  writeFileSync(ndjson, [1, 2, 3].map((i) => JSON.stringify({ metric: "api_calls", quantity: i, occurredAt: now, idempotencyKey: `cli-${i}` })).join("\n") + "\n");
  expect(JSON.parse((await expectRun(["usage", "send", ndjson, "--json"], 0)).stdout)).toMatchObject({ accepted: 0, duplicate: 3, rejected: 0 });

  // Bootstrap through DATABASE_URL: a platform key, and a platform admin.
  expect((await expectRun(["keys", "create", "--name", "no kind"], 2)).stderr).toContain("required option '--platform'");
  const created = JSON.parse((await expectRun(["keys", "create", "--platform", "--name", "e2e operator", "--scopes", "admin,usage:write", "--json"], 0)).stdout) as { key: string; scopes: string[] };
  expect(created.scopes).toEqual(["admin", "usage:write"]);
  expect((await expectRun(["admin", "grant", "nobody@example.test"], 1)).stderr).toContain("must sign up first");
  expect((await expectRun(["admin", "grant", newUserEmail], 0)).stdout).toContain(`${newUserEmail} is now a platform admin.`);

  // Billing with the platform key (SOUK_API_KEY wins over the saved login).
  const platform = { SOUK_URL: baseUrl, SOUK_API_KEY: created.key };
  expect((await expectRun(["whoami"], 0, platform)).stdout).toContain("a platform key (scopes admin, usage:write)");
  expect((await expectRun(["products", "list"], 1, platform)).stderr).toContain("needs a shop key");
  expect((await expectRun(["billing", "run", "--period", "2026-13"], 2, platform)).stderr).toContain("--period must be a month as YYYY-MM");
  expect((await expectRun(["billing", "runs"], 1)).stderr).toContain("FORBIDDEN");
  const last = new Date();
  last.setUTCDate(1);
  last.setUTCMonth(last.getUTCMonth() - 1);
  const period = last.toISOString().slice(0, 7);
  const billed = await expectRun(["billing", "run", "--period", period, "--timeout", "240"], 0, platform);
  expect(billed.stderr).toContain(`Billing run for ${period} queued`);
  expect(billed.stdout).toMatch(new RegExp(`${period}\\s*│\\s*succeeded`));
  const runs = JSON.parse((await expectRun(["billing", "runs", "--json"], 0, platform)).stdout) as { period: string; status: string }[];
  expect(runs.some((r) => r.period.startsWith(period) && r.status === "succeeded")).toBe(true);
});

test("the souk CLI's team and operator commands: users, tenants, webhooks, stats", async () => {
  test.setTimeout(300_000);
  const souk = soukRunner(path.join(work, "config-operator"));
  const asShop = { SOUK_URL: baseUrl, SOUK_API_KEY: shop.key };
  const asShopAdmin = { SOUK_URL: baseUrl, SOUK_API_KEY: shop.adminKey };
  const made = JSON.parse((await souk(["keys", "create", "--platform", "--name", "e2e operator 2", "--scopes", "admin", "--json"], 0)).stdout) as { key: string };
  const asPlatform = { SOUK_URL: baseUrl, SOUK_API_KEY: made.key };

  // users: the key's own shop; listing needs any catalog scope, inviting the admin scope.
  expect((await souk(["users", "add", "--help"], 0)).stdout).toContain("--role <role>");
  const members = await souk(["users", "list"], 0, asShop);
  expect(members.stdout).toMatch(new RegExp(`${shop.email}.*│\\s*owner`));
  const invitee = `${unique("invitee")}@example.test`;
  expect((await souk(["users", "add", invitee], 1, asShop)).stderr).toContain("FORBIDDEN");
  expect((await souk(["users", "add"], 2, asShopAdmin)).stderr).toContain("missing required argument 'email'");
  expect((await souk(["users", "add", invitee, "--role", "boss"], 2, asShopAdmin)).stderr).toContain("Allowed choices are owner, admin, member, viewer");
  expect((await souk(["users", "add", "not-an-email"], 1, asShopAdmin)).stderr).toContain("BAD_REQUEST");
  expect((await souk(["users", "add", invitee, "--role", "viewer"], 0, asShopAdmin)).stdout).toContain(`Invited ${invitee} to ${shop.slug} as viewer`);
  expect(JSON.parse((await souk(["users", "list", "--json"], 0, asShopAdmin)).stdout)).toEqual([expect.objectContaining({ email: shop.email, role: "owner" })]);
  expect((await souk(["users", "list"], 1, asPlatform)).stderr).toContain("needs a shop key");

  // tenants: a platform key with the admin scope; by slug or id.
  expect((await souk(["tenants", "--help"], 0)).stdout).toMatch(/list[\s\S]*show[\s\S]*suspend[\s\S]*resume/);
  expect((await souk(["tenants", "list"], 1, asShop)).stderr).toContain("Platform administrators only");
  expect((await souk(["tenants", "list", "--status", "sleeping"], 2, asPlatform)).stderr).toContain("Allowed choices are pending, provisioning, active, suspended, failed, deleted");
  expect((await souk(["tenants", "list", "--search", otherShop.slug], 0, asPlatform)).stdout).toMatch(new RegExp(`${otherShop.slug}\\s*│\\s*Other Client Shop\\s*│\\s*active`));
  const listed = JSON.parse((await souk(["tenants", "list", "--search", otherShop.slug, "--status", "active", "--json"], 0, asPlatform)).stdout) as { rows: { id: string; slug: string }[]; total: number };
  expect(listed.total).toBe(1);
  expect(listed.rows[0]!.slug).toBe(otherShop.slug);
  expect((await souk(["tenants", "list", "--search", otherShop.slug, "--plan", "no-such-plan"], 0, asPlatform)).stdout).toContain("(none)");
  expect((await souk(["tenants", "show"], 2, asPlatform)).stderr).toContain("missing required argument 'slug-or-id'");
  expect((await souk(["tenants", "show", "no-such-shop-here"], 1, asPlatform)).stderr).toContain('No shop with the slug "no-such-shop-here"');
  const shown = await souk(["tenants", "show", otherShop.slug], 0, asPlatform);
  expect(shown.stdout).toMatch(/status\s*│\s*active/);
  expect(shown.stdout).toContain(otherShop.email);
  expect(JSON.parse((await souk(["tenants", "show", listed.rows[0]!.id, "--json"], 0, asPlatform)).stdout)).toMatchObject({ tenant: { slug: otherShop.slug, status: "active" } });
  expect((await souk(["tenants", "suspend", otherShop.slug], 2, asPlatform)).stderr).toContain("required option '--reason <text>' not specified");
  expect((await souk(["tenants", "suspend", otherShop.slug, "--reason", "x"], 1, asPlatform)).stderr).toContain("Give a reason");
  expect((await souk(["tenants", "suspend", otherShop.slug, "--reason", "e2e: chargeback"], 0, asPlatform)).stdout).toContain(`${otherShop.slug} is suspended (was active).`);
  // The suspended shop's key can read but no longer change its catalog.
  expect((await souk(["products", "create", "--name", "Refused", "--price", "1"], 1, { SOUK_URL: baseUrl, SOUK_API_KEY: otherShop.key })).stderr).toContain("PRECONDITION_FAILED");
  expect((await souk(["tenants", "suspend", otherShop.slug, "--reason", "twice over"], 1, asPlatform)).stderr).toContain("Only an active shop can be suspended (it is suspended)");
  expect((await souk(["tenants", "resume", otherShop.slug, "--reason", "e2e: resolved"], 0, asPlatform)).stdout).toContain(`${otherShop.slug} is active again (was suspended).`);

  // webhooks: a failed Stripe event, listed, replayed, then processed by the worker.
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const type = `customer.e2e_${unique("cli").replace(/-/g, "_")}`;
  const id = `evt_${unique("cli").replace(/-/g, "")}`;
  try {
    const payload = { id, object: "event", type, created: 1, data: { object: { id: "cus_cli", object: "customer" } } };
    await sql`insert into stripe_events (id, type, created, payload, status, attempts, last_error) values (${id}, ${type}, 1, ${sql.json(payload)}, 'failed', 5, 'boom')`;
  } finally {
    await sql.end();
  }
  expect((await souk(["webhooks", "list"], 1, asShop)).stderr).toContain("Platform administrators only");
  expect((await souk(["webhooks", "list", "--status", "lost"], 2, asPlatform)).stderr).toContain("Allowed choices are received, processed, failed");
  expect((await souk(["webhooks", "list", "--status", "failed", "--type", type], 0, asPlatform)).stdout).toMatch(new RegExp(`${id}\\s*│\\s*${type.replace(/\./g, "\\.")}\\s*│\\s*failed\\s*│\\s*5.*boom`));
  expect((await souk(["webhooks", "replay"], 2, asPlatform)).stderr).toContain("missing required argument 'event-id'");
  expect((await souk(["webhooks", "replay", "evt_no_such_event"], 1, asPlatform)).stderr).toContain("NOT_FOUND");
  expect((await souk(["webhooks", "replay", id], 0, asPlatform)).stdout).toContain(`Replay of ${id} queued.`);
  await expect
    .poll(async () => (JSON.parse((await souk(["webhooks", "list", "--type", type, "--json"], 0, asPlatform)).stdout) as { rows: { status: string }[] }).rows[0]?.status, { timeout: 60_000 })
    .toBe("processed");

  // stats: shops by status and plan, MRR, today's events, the queue.
  expect((await souk(["stats"], 1, asShop)).stderr).toContain("Platform administrators only");
  const stats = await souk(["stats"], 0, asPlatform);
  for (const heading of ["Shops", "MRR", "Today (UTC)", "Job queue"]) expect(stats.stdout).toContain(heading);
  expect(stats.stdout).toMatch(/all\s*│/);
  const figures = JSON.parse((await souk(["stats", "--json"], 0, asPlatform)).stdout) as { tenants: number; statuses: Record<string, number>; byPlan: { n: number }[]; eventsToday: { usage: number; stripe: number }; queue: { total: number } };
  expect(figures.tenants).toBeGreaterThanOrEqual(2);
  expect(figures.statuses.active).toBeGreaterThanOrEqual(2);
  expect(figures.byPlan.reduce((a, r) => a + r.n, 0)).toBeGreaterThanOrEqual(2);
  expect(figures.eventsToday.usage).toBeGreaterThanOrEqual(3);
  expect(figures.eventsToday.stripe).toBeGreaterThanOrEqual(1);
  expect(typeof figures.queue.total).toBe("number");
});
