import { createReadStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { Command, CommanderError, Option } from "commander";
import { parse as parseCsv } from "csv-parse/sync";
import { createSoukClient, SoukError, type SoukClient, type SoukInputs, type SoukOutputs, type UsageEvent } from "../index";
import { configFile, loadConfig, saveConfig } from "./config";
import { addOperatorCommands } from "./operator";
import { Output } from "./output";

/** A mistake in how the command was called: exit code 2, like commander's own parse errors. */
export class UsageError extends Error {}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

type Globals = { json?: boolean };

function outputOf(command: Command): Output {
  return new Output(Boolean(command.optsWithGlobals<Globals>().json));
}

async function connect(): Promise<SoukClient> {
  const config = await loadConfig();
  if (!config) throw new UsageError("Not logged in: run `souk login --url URL --api-key KEY`, or set SOUK_URL and SOUK_API_KEY.");
  return createSoukClient(config);
}

/** The shop a shop key belongs to (products and users commands act on it). */
async function shopOf(client: SoukClient): Promise<string> {
  const me = await client.users.whoami.query();
  // The key is refused, not the command line: exit 1, as when the server refuses a shop key's admin call.
  if (me.kind !== "shop_key") throw new Error("This command needs a shop key (a platform key belongs to no shop).");
  return me.tenantSlug;
}

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function productRow(p: SoukOutputs["catalog"]["getProduct"]) {
  return [p.id, p.name, p.slug, `${p.price}${p.currency ? ` ${p.currency}` : ""}`, p.status, p.stock ?? "", p.sku ?? ""];
}
const productHead = ["id", "name", "slug", "price", "status", "stock", "sku"];

function runRow(r: SoukOutputs["billingRuns"]["list"][number]) {
  return [r.period.slice(0, 7), r.status, `${r.tenants}${r.tenantsTotal !== null ? `/${r.tenantsTotal}` : ""}`, r.events, r.statementLines, r.eventsReported, r.durationMs !== null ? `${(r.durationMs / 1000).toFixed(1)} s` : "", r.startedAt.toISOString(), r.error ?? ""];
}
const runHead = ["period", "status", "tenants", "events", "lines", "reported", "duration", "started", "error"];

/** CSV columns for `products import`: name and price are required; the rest as in `products create`. */
type CsvRow = Partial<Record<"name" | "price" | "currency" | "slug" | "sku" | "stock" | "status" | "description" | "featured", string>>;

function productFromCsv(row: CsvRow): SoukInputs["catalog"]["createProduct"] {
  const blank = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());
  const stock = blank(row.stock);
  return {
    tenantSlug: "",
    name: row.name ?? "",
    price: row.price ?? "",
    currency: blank(row.currency)?.toUpperCase() ?? null,
    slug: blank(row.slug),
    sku: blank(row.sku) ?? null,
    stock: stock === undefined ? null : Number(stock),
    status: blank(row.status) as SoukInputs["catalog"]["createProduct"]["status"],
    description: row.description ?? "",
    featured: blank(row.featured) === "true",
  };
}

/** Progress of an import, kept beside the CSV so a second run skips the rows already created. */
type ImportState = { file: string; created: Record<string, string> };

export function createProgram(): Command {
  const program = new Command("souk")
    .description("Operate Souk from a terminal: your shop's catalog, team and usage; the platform's shops, billing and webhooks.")
    .option("--json", "print machine-readable JSON instead of tables")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();

  program
    .command("login")
    .description("check a URL and API key and keep them in your config directory (0600)")
    .requiredOption("--url <url>", "the Souk server, e.g. https://souk.example.com")
    .option("--api-key <key>", "a shop or platform key (read from stdin when left out)")
    .action(async (opts: { url: string; apiKey?: string }, command: Command) => {
      const out = outputOf(command);
      const apiKey = opts.apiKey ?? (await readStdinLine());
      if (!apiKey) throw new UsageError("Give the key with --api-key or on stdin.");
      if (!/^https?:\/\//.test(opts.url)) throw new UsageError("--url must start with http:// or https://");
      const me = await createSoukClient({ url: opts.url, apiKey }).users.whoami.query();
      const file = await saveConfig({ url: opts.url, apiKey });
      if (out.json) out.data({ ...me, configFile: file });
      else out.line(`Logged in to ${opts.url} as ${describeCaller(me)}. Saved to ${file}.`);
    });

  program
    .command("whoami")
    .description("show which key (or user) the CLI acts as")
    .action(async (_opts: unknown, command: Command) => {
      const out = outputOf(command);
      const me = await (await connect()).users.whoami.query();
      if (out.json) out.data(me);
      else out.line(describeCaller(me));
    });

  program
    .command("health")
    .description("the server's health: each dependency's status (exit 1 when degraded)")
    .action(async (_opts: unknown, command: Command) => {
      const out = outputOf(command);
      const health = await (await connect()).health();
      if (out.json) out.data(health);
      else out.table(["check", "status"], Object.entries(health).map(([k, v]) => [k, String(v)]));
      if (health.status !== "ok") process.exitCode = EXIT.failure;
    });

  const products = program.command("products").description("your shop's catalog (shop key)");
  products
    .command("list")
    .description("list products, newest first")
    .addOption(new Option("--status <status>", "only this status").choices(["draft", "published", "archived"]))
    .option("--search <text>", "name or SKU contains")
    .option("--limit <n>", "at most this many", (v) => positiveInt(v, "--limit"), 100)
    .action(async (opts: { status?: "draft" | "published" | "archived"; search?: string; limit: number }, command: Command) => {
      const out = outputOf(command);
      const client = await connect();
      const tenantSlug = await shopOf(client);
      const items: SoukOutputs["catalog"]["listProducts"]["items"] = [];
      let cursor: string | null = null;
      do {
        const page: SoukOutputs["catalog"]["listProducts"] = await client.catalog.listProducts.query({ tenantSlug, status: opts.status, search: opts.search, cursor, limit: Math.min(100, opts.limit - items.length) });
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && items.length < opts.limit);
      if (out.json) out.data(items);
      else out.table(productHead, items.map(productRow));
    });

  products
    .command("create")
    .description("create one product")
    .requiredOption("--name <name>", "product name")
    .requiredOption("--price <amount>", "exact amount, e.g. 12.500")
    .option("--currency <code>", "ISO 4217 (the shop's default when left out)")
    .option("--slug <slug>", "URL slug (from the name when left out)")
    .option("--sku <sku>", "stock keeping unit")
    .option("--stock <n>", "units in stock", (v) => positiveInt(v, "--stock", 0))
    .addOption(new Option("--status <status>", "initial status").choices(["draft", "published", "archived"]).default("draft"))
    .action(async (opts: { name: string; price: string; currency?: string; slug?: string; sku?: string; stock?: number; status: "draft" | "published" | "archived" }, command: Command) => {
      const out = outputOf(command);
      const client = await connect();
      const product = await client.catalog.createProduct.mutate({ tenantSlug: await shopOf(client), name: opts.name, price: opts.price, currency: opts.currency?.toUpperCase() ?? null, slug: opts.slug, sku: opts.sku ?? null, stock: opts.stock ?? null, status: opts.status });
      if (out.json) out.data(product);
      else out.table(productHead, [productRow(product)]);
    });

  products
    .command("import")
    .description("create products from a CSV file (header: name,price[,currency,slug,sku,stock,status,description,featured]); a second run resumes")
    .argument("<file>", "CSV file")
    .option("--state <file>", "where progress is kept (default FILE.souk-import.json)")
    .action(async (file: string, opts: { state?: string }, command: Command) => {
      const out = outputOf(command);
      const rows = parseCsv(await readFile(file), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as CsvRow[];
      const stateFile = opts.state ?? `${file}.souk-import.json`;
      const state: ImportState = await readFile(stateFile, "utf8").then((s) => JSON.parse(s) as ImportState, () => ({ file, created: {} }));
      const client = await connect();
      const tenantSlug = await shopOf(client);
      const errors: { row: number; message: string; fieldErrors: Record<string, string[]> }[] = [];
      let created = 0;
      let skipped = 0;
      const bar = out.progress("import", rows.length);
      // Ten rows at a time: one batched HTTP request, and the state saved after each chunk.
      for (let start = 0; start < rows.length; start += 10) {
        const chunk = rows.slice(start, start + 10).map((row, i) => ({ row, line: start + i + 2 }));
        await Promise.all(
          chunk.map(async ({ row, line }) => {
            if (state.created[line]) return skipped++;
            try {
              const product = await client.catalog.createProduct.mutate({ ...productFromCsv(row), tenantSlug });
              state.created[line] = product.id;
              created++;
            } catch (error) {
              if (!(error instanceof SoukError) || error.code === "NETWORK_ERROR" || error.code === "INTERNAL_SERVER_ERROR") throw error;
              errors.push({ row: line, message: error.message, fieldErrors: error.fieldErrors });
            }
          }),
        );
        await writeFile(stateFile, JSON.stringify(state));
        bar.update(Math.min(rows.length, start + 10));
      }
      bar.stop();
      errors.sort((a, b) => a.row - b.row);
      const summary = { rows: rows.length, created, skipped, failed: errors.length, errors, stateFile };
      if (out.json) out.data(summary);
      else {
        for (const e of errors) {
          const fields = Object.entries(e.fieldErrors).map(([f, m]) => `${f}: ${m.join("; ")}`);
          out.info(`${out.errColor.red(`row ${e.row}:`)} ${fields.length ? fields.join(", ") : e.message}`);
        }
        out.line(`${created} created, ${skipped} already imported, ${errors.length} failed (of ${rows.length} rows).`);
      }
      if (errors.length) process.exitCode = EXIT.failure;
    });

  const usage = program.command("usage").description("usage metering");
  usage
    .command("send")
    .description("send usage events from an NDJSON file (one event per line), in batches")
    .argument("<file>", "NDJSON file: {metric, quantity, occurredAt, idempotencyKey[, shop]} per line")
    .option("--batch-size <n>", "events per request (at most 1000)", (v) => positiveInt(v, "--batch-size", 1, 1000), 1000)
    .action(async (file: string, opts: { batchSize: number }, command: Command) => {
      const out = outputOf(command);
      const client = await connect();
      const lines: { line: number; event: UsageEvent }[] = [];
      const errors: { line: number; code: string; message: string }[] = [];
      let n = 0;
      for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
        n++;
        if (!text.trim()) continue;
        try {
          lines.push({ line: n, event: JSON.parse(text) as UsageEvent });
        } catch {
          errors.push({ line: n, code: "invalid_json", message: "Not a JSON object" });
        }
      }
      const totals = { events: lines.length + errors.length, accepted: 0, duplicate: 0, rejected: errors.length };
      const bar = out.progress("usage", lines.length);
      for (let start = 0; start < lines.length; start += opts.batchSize) {
        const batch = lines.slice(start, start + opts.batchSize);
        const result = await client.ingestUsage(batch.map((l) => l.event));
        totals.accepted += result.accepted;
        totals.duplicate += result.duplicate;
        totals.rejected += result.rejected;
        for (const e of result.errors) errors.push({ line: batch[e.index]!.line, code: e.code, message: e.message });
        bar.update(start + batch.length);
      }
      bar.stop();
      errors.sort((a, b) => a.line - b.line);
      if (out.json) out.data({ ...totals, errors });
      else {
        for (const e of errors) out.info(`${out.errColor.red(`line ${e.line}:`)} ${e.code}: ${e.message}`);
        out.line(`${totals.accepted} accepted, ${totals.duplicate} duplicate, ${totals.rejected} rejected (of ${totals.events} events).`);
      }
      if (totals.rejected) process.exitCode = EXIT.failure;
    });

  const billing = program.command("billing").description("the platform's usage billing (platform key with the admin scope)");
  billing
    .command("run")
    .description("bill a finished month: queue the run, follow its progress, then print its summary")
    .requiredOption("--period <YYYY-MM>", "the month to bill")
    .option("--timeout <seconds>", "give up waiting after this long", (v) => positiveInt(v, "--timeout"), 900)
    .action(async (opts: { period: string; timeout: number }, command: Command) => {
      const out = outputOf(command);
      if (!PERIOD.test(opts.period)) throw new UsageError(`--period must be a month as YYYY-MM, not "${opts.period}"`);
      const client = await connect();
      const before = new Set((await client.billingRuns.list.query()).map((r) => r.id));
      await client.billingRuns.start.mutate({ period: opts.period });
      out.info(`Billing run for ${opts.period} queued; waiting for the worker…`);
      const deadline = Date.now() + opts.timeout * 1000;
      const bar = out.progress(`billing ${opts.period}`, 1);
      let run: SoukOutputs["billingRuns"]["list"][number] | undefined;
      for (;;) {
        run = (await client.billingRuns.list.query()).find((r) => !before.has(r.id) && r.period.startsWith(opts.period));
        if (run) bar.update(run.tenants, Math.max(1, run.tenantsTotal ?? run.tenants));
        if (run && run.status !== "running") break;
        if (Date.now() > deadline) {
          bar.stop();
          throw new Error(run ? `The run is still going after ${opts.timeout} s; follow it with \`souk billing runs\`.` : `No worker picked the run up within ${opts.timeout} s: is \`npm run worker\` running?`);
        }
        await sleep(500);
      }
      bar.stop();
      if (out.json) out.data(run);
      else out.table(runHead, [runRow(run)]);
      if (run.status !== "succeeded") process.exitCode = EXIT.failure;
    });

  billing
    .command("runs")
    .description("recent billing runs")
    .action(async (_opts: unknown, command: Command) => {
      const out = outputOf(command);
      const runs = await (await connect()).billingRuns.list.query();
      if (out.json) out.data(runs);
      else out.table(runHead, runs.map(runRow));
    });

  addOperatorCommands(program, { connect, shopOf, outputOf, positiveInt });

  return program;
}

function describeCaller(me: SoukOutputs["users"]["whoami"]): string {
  if (me.kind === "shop_key") return `a shop key of ${me.tenantSlug} (scopes ${me.scopes.join(", ")})`;
  if (me.kind === "platform_key") return `a platform key (scopes ${me.scopes.join(", ")})`;
  return `${me.user.name ?? me.user.email} <${me.user.email}>`;
}

function positiveInt(value: string, flag: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ""}, not "${value}"`);
  return n;
}

async function readStdinLine(): Promise<string | undefined> {
  if (process.stdin.isTTY) process.stderr.write("API key: ");
  for await (const line of createInterface({ input: process.stdin })) return line.trim() || undefined;
  return undefined;
}

/**
 * Runs the CLI and returns its exit code: 0 ok, 1 a failure (the server refused, the network
 * failed, a row or event was rejected), 2 a usage error (unknown command, bad or missing option).
 */
export async function runCli(program: Command, argv: string[]): Promise<number> {
  const errOut = new Output(false);
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end the parse with an "error" of exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      errOut.error(error.message);
      return EXIT.usage;
    }
    if (error instanceof SoukError) {
      errOut.error(`${error.describe()} (${error.code}${error.requestId ? `, request ${error.requestId}` : ""})`);
      return EXIT.failure;
    }
    errOut.error(error instanceof Error ? error.message : String(error));
    return EXIT.failure;
  }
}

export { configFile };
