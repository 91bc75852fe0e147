-- ai_requests: the per-shop AI call limits' counters. The tenant role records, finishes and
-- clears its own shop's calls; RLS is forced like on every tenant table.
ALTER TABLE "ai_requests" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON "ai_requests" TO souk_tenant;--> statement-breakpoint
GRANT UPDATE ("finished_at") ON "ai_requests" TO souk_tenant;--> statement-breakpoint
-- The ai_tokens metric: a monthly quota per plan (prompt plus completion tokens) and, for the
-- paid plans, an overage price per token in EUR (Starter 0.02, Pro 0.015, Museum 0.01 per 1,000).
-- The trial has no overage: at its quota the AI writing help stops until the shop upgrades.
UPDATE "plans" SET
  "included_usage" = "included_usage" || jsonb_build_object('ai_tokens', v.included),
  "overage_prices" = CASE WHEN v.price IS NULL THEN "overage_prices" ELSE "overage_prices" || jsonb_build_object('ai_tokens', v.price) END
FROM (VALUES ('trial', 20000, NULL), ('starter', 200000, '0.00002'), ('pro', 2000000, '0.000015'), ('museum', 10000000, '0.00001')) AS v(id, included, price)
WHERE "plans"."id" = v.id;
