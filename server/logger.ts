import pino from "pino";
import { env } from "@/server/env";

/** Structured JSON logs. Secrets are redacted by path wherever they might appear. */
export const logger = pino({
  level: env.LOG_LEVEL,
  base: { service: "souk" },
  redact: {
    paths: ["password", "*.password", "passwordHash", "*.passwordHash", "token", "*.token", "authorization", "*.authorization", "cookie", "*.cookie"],
    censor: "[redacted]",
  },
});
