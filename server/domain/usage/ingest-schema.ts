import { z } from "zod";
import { text } from "@/server/domain/text";
import { metricIds } from "./metrics";

/**
 * The REST contract of POST /api/v1/usage as zod schemas: the OpenAPI document is generated from
 * them (server/api/openapi.ts) and the ingestion's result types are inferred from them. The route
 * itself validates each event by hand (ingest.ts, on the hot path, with per-event error codes);
 * the OpenAPI test checks that its real answers match these schemas.
 */
export const MAX_EVENTS_PER_BATCH = 1_000;
/** Largest request body; 1,000 events of ordinary size take about 150 KB. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const ingestErrorCodes = [
  "invalid_event",
  "invalid_idempotency_key",
  "unknown_metric",
  "invalid_quantity",
  "negative_quantity",
  "invalid_time",
  "unknown_shop",
  "forbidden_shop",
  "future_time",
  "too_old",
  "period_closed",
] as const;
export type IngestErrorCode = (typeof ingestErrorCodes)[number];

export const usageEventSchema = z.looseObject({
  shop: text().optional().describe("Shop slug or id (platform keys; a shop key may only name its own shop)"),
  metric: z.enum(metricIds),
  quantity: z
    .union([text().regex(/^\d{1,14}(\.\d{1,6})?$/), z.number().min(0)])
    .describe("Exact decimal (at most 14 digits before and 6 after the point); whole numbers for counted metrics"),
  occurredAt: z.iso.datetime({ offset: true }).describe("ISO 8601 date-time, at most 5 minutes in the future"),
  idempotencyKey: text().min(1).max(200).describe("Counted once per shop: a replay answers `duplicate`"),
});

export const usageBatchSchema = z.object({ events: z.array(usageEventSchema).min(1).max(MAX_EVENTS_PER_BATCH) });

export const ingestEventErrorSchema = z.object({
  index: z.number().int().describe("Position in `events`"),
  idempotencyKey: text().nullable(),
  code: z.enum(ingestErrorCodes),
  message: text(),
});

export const ingestResultSchema = z.object({
  accepted: z.number().int(),
  duplicate: z.number().int(),
  rejected: z.number().int(),
  errors: z.array(ingestEventErrorSchema),
});

/** RFC 9457 problem details with Souk's stable `code`. */
export const problemSchema = z.object({
  type: text().optional(),
  title: text(),
  status: z.number().int(),
  code: text(),
  fieldErrors: z.record(text(), z.array(text())).optional(),
});

export type IngestEventError = z.output<typeof ingestEventErrorSchema>;
export type IngestResult = z.output<typeof ingestResultSchema>;
