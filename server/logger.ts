import { isSpanContextValid, trace } from "@opentelemetry/api";
import pino, { type DestinationStream } from "pino";
import { env } from "@/server/env";
import { currentRequestContext } from "@/server/observability/request-context";

/**
 * Field names that hold secrets: passwords, tokens (session, reset, OAuth, API), keys,
 * signing secrets, cookies and authorization headers. Redacted wherever they appear at the
 * top level of a log line or up to three levels down (an error's cause, a request's headers,
 * a payload inside a job), so logging a whole object cannot leak them.
 */
const secretFields = [
  "password",
  "newPassword",
  "passwordHash",
  "password_hash",
  "token",
  "tokens",
  "tokenHash",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "id_token",
  "sessionToken",
  "csrfToken",
  "apiKey",
  "api_key",
  "secretKey",
  "secretAccessKey",
  "privateKey",
  "secret",
  "clientSecret",
  "client_secret",
  "webhookSecret",
  "authorization",
  "Authorization",
  "cookie",
  "cookies",
  "Cookie",
  "set-cookie",
  "Set-Cookie",
  "stripe-signature",
  "x-api-key",
];

// Header names with a dash need pino's bracket notation.
const segment = (field: string) => (/^[A-Za-z_$][\w$]*$/.test(field) ? `.${field}` : `["${field}"]`);
export const redactPaths = secretFields.flatMap((field) =>
  ["", "*", "*.*", "*.*.*"].map((prefix) => `${prefix}${segment(field)}`.replace(/^\./, "")),
);

/**
 * Fields every line gets from where it is logged: the request (or job) it belongs to, and the
 * trace and span ids when tracing is on, so a log line leads to its trace. A field the call
 * passes itself wins (pino writes the mixin's first).
 */
function contextFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const context = currentRequestContext();
  if (context) {
    fields.requestId = context.requestId;
    if (context.job) fields.job = context.job;
    if (context.jobId) fields.jobId = context.jobId;
  }
  const span = trace.getActiveSpan()?.spanContext();
  if (span && isSpanContextValid(span)) {
    fields.traceId = span.traceId;
    fields.spanId = span.spanId;
  }
  return fields;
}

export function createLogger(destination?: DestinationStream) {
  const options = {
    level: env.LOG_LEVEL,
    base: { service: "souk" },
    redact: { paths: redactPaths, censor: "[redacted]" },
    mixin: contextFields,
  };
  return pino(options, destination ?? pino.destination({ fd: env.LOG_STREAM === "stderr" ? 2 : 1, sync: true }));
}

/** Structured JSON logs. Secrets are redacted by path wherever they might appear. */
export const logger = createLogger();
