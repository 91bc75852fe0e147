-- 1. Request rates per API key, by plan (requests a minute; server/rate-limit.ts applies them).
UPDATE "plans" SET "api_requests_per_minute" = CASE "id"
  WHEN 'trial' THEN 60
  WHEN 'starter' THEN 600
  WHEN 'pro' THEN 600
  WHEN 'museum' THEN 1200
  ELSE "api_requests_per_minute" END;--> statement-breakpoint
-- 2. Rate-limit counters are rewritten on every limited request and worth nothing after a crash:
--    unlogged, they cost no WAL. No grant to souk_tenant: only the app's own connection uses them.
ALTER TABLE "rate_limits" SET UNLOGGED;
