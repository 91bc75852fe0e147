import { z } from "zod";

/**
 * The one place that reads process.env. Parsed once at import so a bad
 * configuration fails fast, naming the variable. next.config.ts imports this
 * module, so `next build` fails the same way (SKIP_ENV_VALIDATION=1 skips it for
 * image builds that get their secrets at run time).
 */
const bool = z
  .enum(["true", "false", "1", "0", ""])
  .transform((v) => v === "true" || v === "1");

const optional = z
  .string()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: z.url({ message: "DATABASE_URL must be a postgres:// URL" }),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    APP_URL: z.url().default("http://localhost:3000"),
    AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters (openssl rand -base64 32)"),
    AUTH_GITHUB_ID: optional,
    AUTH_GITHUB_SECRET: optional,
    AUTH_GOOGLE_ID: optional,
    AUTH_GOOGLE_SECRET: optional,
    SMTP_URL: optional,
    MAIL_FROM: z.string().default("Souk <no-reply@souk.local>"),
    DEV_MAILBOX: bool.optional(),
    BASE_DOMAIN: z.string().default("localhost"),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .transform((e) => ({
    ...e,
    isProduction: e.NODE_ENV === "production",
    // Captured mail is readable at /dev/mailbox: on by default only outside production.
    DEV_MAILBOX: e.DEV_MAILBOX ?? (e.NODE_ENV !== "production" && !e.SMTP_URL),
    githubAuth: e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET ? { clientId: e.AUTH_GITHUB_ID, clientSecret: e.AUTH_GITHUB_SECRET } : null,
    googleAuth: e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET ? { clientId: e.AUTH_GOOGLE_ID, clientSecret: e.AUTH_GOOGLE_SECRET } : null,
  }));

export type Env = z.output<typeof schema>;

function parseEnv(): Env {
  const result = schema.safeParse(process.env);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `  ${issue.path.join(".")}: ${issue.message}`)
      .join("\n");
    throw new Error(`Invalid environment configuration:\n${problems}\nSee .env.example.`);
  }
  return result.data;
}

const skip = process.env.SKIP_ENV_VALIDATION === "1" || process.env.SKIP_ENV_VALIDATION === "true";

export const env: Env = skip ? (schema.parse({ ...placeholders(), ...process.env }) as Env) : parseEnv();

/** Values that let an image build import this module without secrets; never used at run time. */
function placeholders() {
  return {
    DATABASE_URL: "postgres://build-placeholder@localhost/build",
    AUTH_SECRET: "build-placeholder-secret-build-placeholder",
  };
}
