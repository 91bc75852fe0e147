import { describe, expect, it } from "vitest";
import { EMULATOR_WEBHOOK_SECRET, validateEnv } from "./env";

const base = { DATABASE_URL: "postgres://souk@db/souk", AUTH_SECRET: "a-production-secret-that-is-long-enough" };
const production = {
  ...base,
  NODE_ENV: "production",
  STRIPE_WEBHOOK_SECRET: "whsec_a_real_endpoint_secret",
  S3_ACCESS_KEY_ID: "AKIAREAL",
  S3_SECRET_ACCESS_KEY: "real-secret",
  SMTP_URL: "smtp://mail.example:587",
};
const problemsOf = (source: Record<string, string | undefined>) => {
  const result = validateEnv(source);
  return result.ok ? [] : result.problems;
};

describe("production refuses development defaults", () => {
  it("starts with its own secrets, credentials and SMTP server", () => {
    expect(problemsOf(production)).toEqual([]);
  });

  it("names each development default it refuses", () => {
    const problems = problemsOf({ ...base, NODE_ENV: "production" });
    expect(problems).toEqual([
      expect.stringMatching(/^STRIPE_WEBHOOK_SECRET: .*public/),
      expect.stringMatching(/^S3_SECRET_ACCESS_KEY: .*S3RVER/),
      expect.stringMatching(/^SMTP_URL: /),
    ]);
    // Secrets are never echoed in the messages.
    expect(problems.join("\n")).not.toContain(base.AUTH_SECRET);
  });

  it("refuses each one alone", () => {
    expect(problemsOf({ ...production, STRIPE_WEBHOOK_SECRET: EMULATOR_WEBHOOK_SECRET })).toEqual([expect.stringMatching(/^STRIPE_WEBHOOK_SECRET/)]);
    expect(problemsOf({ ...production, STRIPE_WEBHOOK_SECRET: undefined })).toEqual([expect.stringMatching(/^STRIPE_WEBHOOK_SECRET/)]);
    expect(problemsOf({ ...production, S3_ACCESS_KEY_ID: "S3RVER" })).toEqual([expect.stringMatching(/^S3_SECRET_ACCESS_KEY/)]);
    expect(problemsOf({ ...production, S3_SECRET_ACCESS_KEY: "S3RVER" })).toEqual([expect.stringMatching(/^S3_SECRET_ACCESS_KEY/)]);
    expect(problemsOf({ ...production, SMTP_URL: "" })).toEqual([expect.stringMatching(/^SMTP_URL/)]);
    // Mail captured and shown at /dev/mailbox, even beside an SMTP server.
    expect(problemsOf({ ...production, DEV_MAILBOX: "true" })).toEqual([expect.stringMatching(/^DEV_MAILBOX/)]);
  });

  it("allows them only when told to (local production builds: e2e, benchmarks)", () => {
    expect(problemsOf({ ...base, NODE_ENV: "production", DEV_MAILBOX: "true", ALLOW_DEVELOPMENT_DEFAULTS: "true" })).toEqual([]);
    expect(problemsOf({ ...base, NODE_ENV: "production", ALLOW_DEVELOPMENT_DEFAULTS: "false" })).toHaveLength(3);
  });

  it("keeps development and tests on the defaults", () => {
    expect(problemsOf({ ...base, NODE_ENV: "development" })).toEqual([]);
    expect(problemsOf({ ...base, NODE_ENV: "test" })).toEqual([]);
  });
});

describe("REDIS_URL", () => {
  it("is optional, and when set must be a redis:// or rediss:// URL", () => {
    expect(problemsOf({ ...base, REDIS_URL: "" })).toEqual([]);
    expect(problemsOf({ ...base, REDIS_URL: "redis://127.0.0.1:6379/2" })).toEqual([]);
    expect(problemsOf({ ...base, REDIS_URL: "rediss://cache.example:6380" })).toEqual([]);
    expect(problemsOf({ ...base, REDIS_URL: "http://cache.example" })).toEqual([expect.stringMatching(/^REDIS_URL: /)]);
  });
});

describe("TENANT_CONTEXT_MODE", () => {
  it("defaults to set_config and accepts set_local", () => {
    const mode = (source: Record<string, string | undefined>) => {
      const result = validateEnv(source);
      return result.ok ? result.env.TENANT_CONTEXT_MODE : result.problems;
    };
    expect(mode(base)).toBe("set_config");
    expect(mode({ ...base, TENANT_CONTEXT_MODE: "set_local" })).toBe("set_local");
    expect(mode({ ...base, TENANT_CONTEXT_MODE: "SET LOCAL" })).toEqual([expect.stringMatching(/^TENANT_CONTEXT_MODE: /)]);
  });
});
