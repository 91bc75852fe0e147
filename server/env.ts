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

/** The local Stripe emulator's webhook signing secret: public, so valid only outside production. */
export const EMULATOR_WEBHOOK_SECRET = "whsec_souk_local_emulator";

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: z.url({ message: "DATABASE_URL must be a postgres:// URL" }),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    // Longest a request waits for a free pooled connection before failing with an error (not a hang).
    DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(10_000),
    // Longest a new connection may take to open: an unreachable server fails a request, not hangs it.
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
    // Longest one statement may run (PostgreSQL's statement_timeout; 0 turns it off).
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
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
    HTTP_COMPRESSION: bool.optional(),
    // Proxies in front of the app that append to (or, the nearest, overwrite) X-Forwarded-For: the
    // client's address is that many entries from the right. 0 (reached directly): Next.js passes a
    // client-sent header through, so none is trusted and per-address limits are off.
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    // How withTenant confines a transaction to one shop. set_config: role and tenant in one
    // parameterised statement (the fastest, plain PostgreSQL). set_local: SET LOCAL ROLE and SET
    // LOCAL app.tenant_id, which Citus forwards to the worker nodes (with
    // citus.propagate_set_commands = 'local'); set_config's value stays on the coordinator.
    TENANT_CONTEXT_MODE: z.enum(["set_config", "set_local"]).default("set_config"),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
    // Lets NODE_ENV=production start on the development defaults (emulator webhook secret, S3RVER
    // credentials, mail captured in /dev/mailbox). Only for production builds run locally (e2e,
    // benchmarks); never on a host others can reach.
    ALLOW_DEVELOPMENT_DEFAULTS: bool.optional(),
    // Build time: "standalone" makes `next build` emit a self-contained server (the Docker image).
    // Unset for `next start` (tests, benchmarks), which does not run a standalone build.
    NEXT_OUTPUT: z.enum(["standalone"]).optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    // Where log lines go. Servers log to stdout; the command-line tools choose stderr, so that
    // what they print on stdout is their output alone (a report, JSON for a pipe).
    LOG_STREAM: z.enum(["stdout", "stderr"]).default("stdout"),
    // Observability. Bearer token for GET /api/metrics and the worker's metrics port; unset: both off.
    METRICS_TOKEN: optional.pipe(z.string().min(16, "METRICS_TOKEN must be at least 16 characters (openssl rand -hex 24)").optional()),
    // The worker serves its own metrics (GET /metrics, same token) on this port when set.
    WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
    // Where that port listens: loopback by default; 0.0.0.0 in a container Prometheus scrapes.
    WORKER_METRICS_HOST: z.string().default("127.0.0.1"),
    // OpenTelemetry traces: exported over OTLP/HTTP when the endpoint is set (the exporter reads the
    // standard OTEL_* variables itself), or printed when OTEL_TRACES_EXPORTER=console; otherwise
    // no tracing SDK is loaded at all.
    OTEL_EXPORTER_OTLP_ENDPOINT: optional.pipe(z.url().optional()),
    OTEL_TRACES_EXPORTER: z.enum(["otlp", "console", "none"]).optional(),
    OTEL_SERVICE_NAME: optional,
    // Billing. No STRIPE_SECRET_KEY: the SDK talks to the local emulator at STRIPE_API_BASE.
    STRIPE_SECRET_KEY: optional,
    STRIPE_WEBHOOK_SECRET: z.string().default(EMULATOR_WEBHOOK_SECRET),
    STRIPE_API_BASE: z.url().default("http://127.0.0.1:12111"),
    STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).default(300),
    // A received event waits this long before processing, so the other events Stripe sends about the
    // same change (usually within a second) are covered by one read of the subscription.
    STRIPE_EVENT_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(500),
    STRIPE_PRICE_STARTER: optional,
    STRIPE_PRICE_PRO: optional,
    STRIPE_PRICE_MUSEUM: optional,
    BILLING_GRACE_PERIOD_HOURS: z.coerce.number().min(0).default(72),
    TENANT_RETENTION_DAYS: z.coerce.number().min(0).default(30),
    // Free-trial shops one account may open (ended and deleted ones count until purged); 0: none.
    TRIAL_SHOPS_PER_USER: z.coerce.number().int().min(0).default(1),
    // Billing run: Stripe requests (100 meter events each) in flight, batch write transactions in
    // flight, and tenants per batch (one transaction writes a batch's statements, lines and ledger).
    BILLING_MAX_WORKERS: z.coerce.number().int().min(1).max(64).default(4),
    BILLING_MAX_DB_JOBS: z.coerce.number().int().min(1).max(32).default(2),
    BILLING_BATCH_TENANTS: z.coerce.number().int().min(1).max(10_000).default(500),
    // Storefront visits older than this are deleted daily (analytics look back at most 365 days).
    VISIT_RETENTION_DAYS: z.coerce.number().int().min(1).default(400),
    // Page views one client address may record per shop and minute; the beacon drops the rest.
    VISIT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
    // Usage events are kept this many whole months before the current one; older monthly
    // partitions are dropped by a daily job, and events older than that are refused at ingestion.
    USAGE_RETENTION_MONTHS: z.coerce.number().int().min(1).max(120).default(13),
    // Account mail (verification, password reset, sign-ups) one client address may cause per hour.
    MAIL_RATE_LIMIT_PER_CLIENT_PER_HOUR: z.coerce.number().int().min(1).default(20),
    // Request rate limits (server/rate-limit.ts). State lives in Redis when REDIS_URL is set, else
    // in PostgreSQL (table rate_limits); either way every web instance shares it.
    // Length of every rate-limit window in seconds; the limits below and the plans' API rates are per window.
    RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    // Requests one client address may make to sign-in, sign-up and password-reset per window.
    RATE_LIMIT_AUTH_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    // Storefront visit beacons one client address may send per window, whatever the shop.
    RATE_LIMIT_BEACON_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    // Requests one platform service key may make per window (shop keys follow their shop's plan).
    RATE_LIMIT_PLATFORM_KEY_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
    // Longest wait for the rate-limit store; past it (or on an error) the request is counted by this
    // process alone, in memory, and a warning is logged.
    RATE_LIMIT_STORE_TIMEOUT_MS: z.coerce.number().int().min(1).max(10_000).default(500),
    // Media. No S3_ENDPOINT: AWS S3 itself; `npm run dev` and the tests start s3rver and set it.
    S3_ENDPOINT: optional,
    S3_BUCKET: z.string().default("souk-media"),
    S3_REGION: z.string().default("us-east-1"),
    S3_ACCESS_KEY_ID: z.string().default("S3RVER"),
    S3_SECRET_ACCESS_KEY: z.string().default("S3RVER"),
    // The endpoint as browsers reach it, for presigned uploads, when the app reaches it by another
    // name (docker-compose: app → http://minio:9000, browser → http://localhost:9000). Default S3_ENDPOINT.
    S3_BROWSER_ENDPOINT: optional,
    S3_FORCE_PATH_STYLE: bool.optional(),
    S3_PUBLIC_URL: optional,
    MEDIA_MAX_BYTES: z.coerce.number().int().min(1).default(10 * 1024 * 1024),
    // AI writing help: an OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM).
    // No AI_BASE_URL or AI_MODEL: the feature is off and the editor says how to turn it on.
    AI_BASE_URL: optional.pipe(z.url({ message: "AI_BASE_URL must be an http(s) URL, e.g. http://localhost:11434/v1" }).optional()),
    AI_API_KEY: optional,
    AI_MODEL: optional,
    // Longest wait for the provider's first byte, and then between two streamed chunks.
    AI_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    AI_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(16).max(32_000).default(800),
    // Per shop, shared by every instance: calls in flight at once, and calls started per minute.
    AI_MAX_CONCURRENT_PER_SHOP: z.coerce.number().int().min(1).max(100).default(2),
    AI_REQUESTS_PER_MINUTE_PER_SHOP: z.coerce.number().int().min(1).max(10_000).default(20),
    // Redis shared by every web instance: Next's cache and tag revalidations
    // (server/cache/redis-cache-handler.mjs) and the rate-limit counters. Unset: each process
    // keeps its own cache, and rate limits count in PostgreSQL.
    REDIS_URL: optional.pipe(z.url({ protocol: /^rediss?$/, message: "REDIS_URL must be a redis:// or rediss:// URL" }).optional()),
  })
  // With a real Stripe account, the emulator's well-known webhook secret would let anyone forge events.
  .refine((e) => !e.STRIPE_SECRET_KEY || e.STRIPE_WEBHOOK_SECRET !== EMULATOR_WEBHOOK_SECRET, {
    path: ["STRIPE_WEBHOOK_SECRET"],
    message: "set STRIPE_WEBHOOK_SECRET to your endpoint's signing secret when STRIPE_SECRET_KEY is set",
  })
  .superRefine((e, ctx) => {
    // Production refuses the development defaults, all public in this repository: the emulator's
    // webhook secret signs forged events, S3RVER credentials are nobody's, and mail without SMTP
    // lands in a table that /dev/mailbox shows to anyone (reset links included). Local production
    // builds (e2e, benchmarks) opt in with ALLOW_DEVELOPMENT_DEFAULTS=true.
    if (e.NODE_ENV !== "production" || e.ALLOW_DEVELOPMENT_DEFAULTS) return;
    const refuse = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (e.STRIPE_WEBHOOK_SECRET === EMULATOR_WEBHOOK_SECRET) {
      refuse("STRIPE_WEBHOOK_SECRET", "production needs its own webhook signing secret (the emulator's default is public)");
    }
    if (e.S3_ACCESS_KEY_ID === "S3RVER" || e.S3_SECRET_ACCESS_KEY === "S3RVER") {
      refuse("S3_SECRET_ACCESS_KEY", "production needs real S3 credentials (S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY), not s3rver's S3RVER");
    }
    if (!e.SMTP_URL) refuse("SMTP_URL", "production needs an SMTP server; without it mail would be captured, not sent");
    if (e.DEV_MAILBOX) refuse("DEV_MAILBOX", "the development mailbox shows every captured mail to anyone; not in production");
  })
  .transform((e) => ({
    ...e,
    isProduction: e.NODE_ENV === "production",
    // Which span exporter, if any: console when asked for; OTLP when asked for or an endpoint is set.
    tracesExporter: e.OTEL_TRACES_EXPORTER === "console" ? ("console" as const) : e.OTEL_TRACES_EXPORTER !== "none" && e.OTEL_EXPORTER_OTLP_ENDPOINT ? ("otlp" as const) : null,
    // gzip in Node costs CPU on every response; turn it off when a reverse proxy or CDN compresses.
    HTTP_COMPRESSION: e.HTTP_COMPRESSION ?? true,
    // Captured mail is readable at /dev/mailbox: on by default only outside production.
    DEV_MAILBOX: e.DEV_MAILBOX ?? (e.NODE_ENV !== "production" && !e.SMTP_URL),
    githubAuth: e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET ? { clientId: e.AUTH_GITHUB_ID, clientSecret: e.AUTH_GITHUB_SECRET } : null,
    // Stripe price ids by plan id (configuration, never literals in code paths); unset → found by lookup key.
    stripePriceIds: { starter: e.STRIPE_PRICE_STARTER, pro: e.STRIPE_PRICE_PRO, museum: e.STRIPE_PRICE_MUSEUM } as Record<string, string | undefined>,
    // Path-style URLs for s3rver/MinIO (any custom endpoint) unless told otherwise; virtual-hosted for AWS.
    S3_FORCE_PATH_STYLE: e.S3_FORCE_PATH_STYLE ?? Boolean(e.S3_ENDPOINT),
    // Both an endpoint and a model are needed; the key is optional (a local Ollama takes none).
    ai: e.AI_BASE_URL && e.AI_MODEL ? { baseUrl: e.AI_BASE_URL, apiKey: e.AI_API_KEY ?? null, model: e.AI_MODEL } : null,
    googleAuth: e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET ? { clientId: e.AUTH_GOOGLE_ID, clientSecret: e.AUTH_GOOGLE_SECRET } : null,
  }));

export type Env = z.output<typeof schema>;

export type EnvValidation = { ok: true; env: Env } | { ok: false; problems: string[] };

/**
 * Validates a set of variables as a process would see them, without reading process.env: the
 * start-up check below, and tests that check other configurations (docker-compose.yml's services).
 */
export function validateEnv(source: Record<string, string | undefined>): EnvValidation {
  const result = schema.safeParse(source);
  if (result.success) return { ok: true, env: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) };
}

function parseEnv(): Env {
  const result = validateEnv(process.env);
  if (!result.ok) {
    throw new Error(`Invalid environment configuration:\n${result.problems.map((p) => `  ${p}`).join("\n")}\nSee .env.example.`);
  }
  return result.env;
}

const skip = process.env.SKIP_ENV_VALIDATION === "1" || process.env.SKIP_ENV_VALIDATION === "true";

export const env: Env = skip ? (schema.parse({ ...placeholders(), ...process.env }) as Env) : parseEnv();

/** Values that let an image build import this module without secrets; never used at run time. */
function placeholders() {
  return {
    DATABASE_URL: "postgres://build-placeholder@localhost/build",
    AUTH_SECRET: "build-placeholder-secret-build-placeholder",
    // An image build has no run-time secrets yet; the running container is validated in full.
    ALLOW_DEVELOPMENT_DEFAULTS: "true",
  };
}
