import { sql } from "drizzle-orm";
import { withSystem, withTenant } from "@/server/db/tenancy";
import { metrics } from "@/server/observability/metrics";
import type { ApiPrincipal } from "../api-keys";
import { DomainError } from "../errors";
import { isMetricId, metricIds, metricRegistry, type MetricId } from "./metrics";
import { MAX_EVENTS_PER_BATCH, type IngestErrorCode, type IngestEventError, type IngestResult } from "./ingest-schema";
import { recordUsage, type UsageEventInput, type UsageOutcome } from "./record";

/**
 * Batched ingestion (POST /api/v1/usage). Each event is validated in memory; the valid ones go
 * to recordUsage in one transaction, the others come back as per-event errors. A shop key
 * records its own shop's events; a platform service key names the shop of each event.
 */
export { MAX_BODY_BYTES, MAX_EVENTS_PER_BATCH, type IngestEventError, type IngestResult } from "./ingest-schema";

type ParsedEvent = { index: number; shop: string | null; metric: MetricId; quantity: string; occurredAt: Date; idempotencyKey: string };

const QUANTITY = /^\d{1,14}(?:\.\d{1,6})?$/;
const INTEGER = /^\d{1,14}$/;
const SHOP_REF = /^[a-z0-9-]{1,63}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Normalises a quantity to an exact decimal string, or says why it cannot be one. */
function parseQuantity(value: unknown, metric: MetricId): string | { code: IngestErrorCode; message: string } {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return { code: "invalid_quantity", message: "quantity must be a finite number." };
    text = String(value);
  } else if (typeof value === "string") text = value.trim();
  else return { code: "invalid_quantity", message: "quantity must be a number or a decimal string." };
  if (text.startsWith("-")) return { code: "negative_quantity", message: "quantity must not be negative." };
  if (!QUANTITY.test(text)) return { code: "invalid_quantity", message: "quantity must be a decimal with at most 14 digits before and 6 after the point." };
  if (metricRegistry[metric].integer && !INTEGER.test(text.replace(/\.0+$/, ""))) {
    return { code: "invalid_quantity", message: `${metric} counts whole units; quantity must be an integer.` };
  }
  return text;
}

function parseEvent(raw: unknown, index: number): ParsedEvent | IngestEventError {
  const fail = (code: IngestErrorCode, message: string, key: string | null = null): IngestEventError => ({ index, idempotencyKey: key, code, message });
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail("invalid_event", "Each event must be an object.");
  const e = raw as Record<string, unknown>;
  const key = typeof e.idempotencyKey === "string" ? e.idempotencyKey : null;
  if (key === null || key.length === 0 || key.length > 200) return fail("invalid_idempotency_key", "idempotencyKey must be a string of 1 to 200 characters.");
  if (!isMetricId(e.metric)) return fail("unknown_metric", `Unknown metric; use one of ${metricIds.join(", ")}.`, key);
  const quantity = parseQuantity(e.quantity, e.metric);
  if (typeof quantity !== "string") return fail(quantity.code, quantity.message, key);
  const occurredAt = typeof e.occurredAt === "string" ? new Date(e.occurredAt) : null;
  if (!occurredAt || Number.isNaN(occurredAt.getTime()) || !/^\d{4}-\d\d-\d\dT/.test(e.occurredAt as string)) {
    return fail("invalid_time", "occurredAt must be an ISO 8601 date-time, e.g. 2026-11-05T10:00:00Z.", key);
  }
  let shop: string | null = null;
  if (e.shop !== undefined && e.shop !== null) {
    if (typeof e.shop !== "string" || !SHOP_REF.test(e.shop)) return fail("unknown_shop", "shop must be a shop's slug or id.", key);
    shop = e.shop;
  }
  return { index, shop, metric: e.metric, quantity, occurredAt, idempotencyKey: key };
}

const rejectionOf = (outcome: UsageOutcome) => (outcome.status === "rejected" ? outcome : null);

/** The events array of a request body, or a bad_request naming what is wrong. */
export function eventsOf(body: unknown): unknown[] {
  const events = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as { events?: unknown }).events : undefined;
  if (!Array.isArray(events)) throw new DomainError("bad_request", "The body must be a JSON object with an `events` array.", { events: ["Required: an array of events"] });
  if (events.length === 0) throw new DomainError("bad_request", "`events` is empty.", { events: ["Send at least one event"] });
  return events;
}

/**
 * Validates and records a batch for the key's holder. Throws only for a batch that can never be
 * accepted (malformed or too large); everything about single events is in the result.
 */
export async function ingestUsage(principal: ApiPrincipal, body: unknown, now = new Date()): Promise<IngestResult> {
  const raw = eventsOf(body);
  if (raw.length > MAX_EVENTS_PER_BATCH) throw new DomainError("payload_too_large", `At most ${MAX_EVENTS_PER_BATCH} events per request; split the batch.`);
  const errors: IngestEventError[] = [];
  const parsed: ParsedEvent[] = [];
  raw.forEach((r, i) => {
    const event = parseEvent(r, i);
    if ("code" in event) errors.push(event);
    else parsed.push(event);
  });

  // Resolve each event's shop: a shop key's own (naming another is an error), or by slug or id for a platform key.
  const tenantOf = new Map<ParsedEvent, string>();
  if (principal.kind === "shop") {
    for (const e of parsed) {
      if (e.shop === null || e.shop === principal.tenantSlug || e.shop === principal.tenantId) tenantOf.set(e, principal.tenantId!);
      else errors.push({ index: e.index, idempotencyKey: e.idempotencyKey, code: "forbidden_shop", message: "A shop key records its own shop's usage only." });
    }
  } else {
    const refs = [...new Set(parsed.flatMap((e) => (e.shop ? [e.shop] : [])))];
    const found = refs.length ? await resolveShops(refs, now.getTime()) : new Map<string, string>();
    for (const e of parsed) {
      const tenantId = e.shop ? found.get(e.shop) : undefined;
      if (tenantId) tenantOf.set(e, tenantId);
      else errors.push({ index: e.index, idempotencyKey: e.idempotencyKey, code: "unknown_shop", message: e.shop ? "No such shop." : "A platform key must name each event's shop." });
    }
  }

  const valid = parsed.filter((e) => tenantOf.has(e));
  const inputs: UsageEventInput[] = valid.map((e) => ({ tenantId: tenantOf.get(e)!, metric: e.metric, quantity: e.quantity, occurredAt: e.occurredAt, idempotencyKey: e.idempotencyKey, source: "api" }));
  let outcomes: UsageOutcome[] = [];
  if (inputs.length > 0) {
    // A shop's batch runs behind its own row-level security; a platform batch spans shops.
    outcomes = principal.kind === "shop" ? await withTenant(principal.tenantId!, (tx) => recordUsage(tx, inputs, now)) : await withSystem("usage-ingest", (tx) => recordUsage(tx, inputs, now));
  }
  let accepted = 0;
  let duplicate = 0;
  outcomes.forEach((o, i) => {
    if (o.status === "accepted") accepted++;
    else if (o.status === "duplicate") duplicate++;
    const rejected = rejectionOf(o);
    if (rejected) errors.push({ index: valid[i]!.index, idempotencyKey: valid[i]!.idempotencyKey, code: rejected.code, message: rejected.message });
  });
  errors.sort((a, b) => a.index - b.index);
  metrics.usageEvents.inc({ outcome: "accepted" }, accepted);
  metrics.usageEvents.inc({ outcome: "duplicate" }, duplicate);
  metrics.usageEvents.inc({ outcome: "rejected" }, errors.length);
  return { accepted, duplicate, rejected: errors.length, errors };
}

/**
 * How long a resolved shop reference is reused: a platform client sends the same shops batch
 * after batch, and looking them up each time was a transaction per request. A shop deleted
 * meanwhile still takes events for at most this long on each instance (its rows stay until the
 * purge, weeks later, so they are never orphans). Unknown references are never cached.
 */
export const SHOP_REF_CACHE_TTL_MS = 5_000;
const SHOP_REF_CACHE_MAX = 50_000;
const shopRefCache = new Map<string, { tenantId: string; at: number }>();

/** Shop slug or id → tenant id, for shops that exist and are not deleted (one query for the ones not cached). */
export async function resolveShops(refs: string[], now = Date.now()): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  const missing: string[] = [];
  for (const ref of refs) {
    const hit = shopRefCache.get(ref);
    if (hit && now - hit.at < SHOP_REF_CACHE_TTL_MS && now >= hit.at) map.set(ref, hit.tenantId);
    else missing.push(ref);
  }
  if (missing.length === 0) return map;
  const list = `{${missing.join(",")}}`;
  const rows = await withSystem("usage-ingest-shops", (tx) =>
    tx.execute<{ id: string; slug: string }>(sql`
      select id::text as id, slug from tenants
      where status <> 'deleted' and (slug = any(${list}::text[]) or id::text = any(${list}::text[]))`),
  );
  for (const r of rows) {
    for (const ref of [r.slug, r.id]) {
      map.set(ref, r.id);
      if (shopRefCache.size >= SHOP_REF_CACHE_MAX) shopRefCache.delete(shopRefCache.keys().next().value!);
      shopRefCache.set(ref, { tenantId: r.id, at: now });
    }
  }
  return map;
}
