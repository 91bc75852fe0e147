/**
 * `npx souk` in this repository: the client package's CLI plus the two bootstrap commands that
 * need DATABASE_URL (or .env) because no key exists yet to call the API with:
 *   souk admin grant EMAIL                          make a signed-up user a platform admin
 *   souk keys create --platform --name N [--scopes] create a platform service key (printed once)
 * Everything else goes through the typed client, never the database.
 */
import { existsSync } from "node:fs";
import { Command, Option } from "commander";
import { createProgram, runCli, UsageError } from "../packages/client/src/cli/program";
import { Output } from "../packages/client/src/cli/output";

if (existsSync(".env")) process.loadEnvFile(".env");
// Logs go to stderr: stdout carries what the command prints (its report, or JSON for a pipe).
process.env.LOG_STREAM = "stderr";

/**
 * Runs `fn` with the database open. The server's modules are imported only here (inside `fn` too),
 * so the other commands never load them or need the server's environment.
 */
async function withDatabase<T>(fn: () => Promise<T>): Promise<T> {
  if (!process.env.DATABASE_URL) throw new UsageError("This bootstrap command needs DATABASE_URL (or a .env file).");
  const { closeDb } = await import("../server/db/client");
  try {
    return await fn();
  } finally {
    await closeDb();
  }
}

/** A domain input's zod issues as a usage error (exit 2). */
function usageErrorOf(issues: { path: PropertyKey[]; message: string }[]): UsageError {
  return new UsageError(issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("\n"));
}

const program = createProgram();
const outputOf = (command: Command) => new Output(Boolean(command.optsWithGlobals<{ json?: boolean }>().json));

program
  .command("admin")
  .description("bootstrap platform admins (needs DATABASE_URL)")
  .command("grant")
  .description("make a signed-up user a platform admin")
  .argument("<email>", "the user's email")
  .action(async (email: string, _opts: unknown, command: Command) => {
    const user = await withDatabase(async () => {
      const { grantPlatformAdmin, grantPlatformAdminInput } = await import("../server/domain/users");
      const parsed = grantPlatformAdminInput.safeParse({ email });
      if (!parsed.success) throw usageErrorOf(parsed.error.issues);
      return grantPlatformAdmin({ userId: null, requestId: "cli:admin:grant" }, parsed.data);
    });
    const out = outputOf(command);
    if (out.json) out.data(user);
    else out.line(`${user.email} is now a platform admin.`);
  });

program
  .command("keys")
  .description("API keys (shop keys are made by a shop admin on the dashboard)")
  .command("create")
  .description("create a platform service key (needs DATABASE_URL); the key is printed once")
  .addOption(new Option("--platform", "a platform service key (the only kind made here)").makeOptionMandatory())
  .requiredOption("--name <name>", "what the key is for")
  .option("--scopes <list>", "comma-separated: usage:write, catalog:read, catalog:write, admin", "usage:write")
  .option("--expires-days <n>", "days until it expires (never by default)")
  .action(async (opts: { name: string; scopes: string; expiresDays?: string }, command: Command) => {
    const { key, apiKey } = await withDatabase(async () => {
      const { createApiKeyInput, createPlatformApiKey } = await import("../server/domain/api-keys");
      const parsed = createApiKeyInput.safeParse({ name: opts.name, scopes: opts.scopes.split(",").map((s) => s.trim()), expiresInDays: opts.expiresDays ? Number(opts.expiresDays) : null });
      if (!parsed.success) throw usageErrorOf(parsed.error.issues);
      return createPlatformApiKey({ userId: null, requestId: "cli:keys:create" }, parsed.data);
    });
    const out = outputOf(command);
    if (out.json) return out.data({ key, ...apiKey });
    out.info(`Created platform key "${apiKey.name}" (${apiKey.prefix}…, scopes ${apiKey.scopes.join(", ")}, ${apiKey.expiresAt ? `expires ${apiKey.expiresAt.toISOString()}` : "never expires"}). Copy it now; it is not shown again:`);
    out.line(key);
  });

process.exitCode = await runCli(program, process.argv);
