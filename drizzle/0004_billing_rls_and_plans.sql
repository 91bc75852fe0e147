-- 1. Tenant billing tables: RLS forced; the tenant role may only READ them.
--    Every write goes through withSystem (webhook processing, billing, jobs),
--    so a tenant can never change its own subscription or lifecycle log.
ALTER TABLE "subscriptions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "provisioning_logs" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT ON "subscriptions" TO souk_tenant;--> statement-breakpoint
GRANT SELECT ON "provisioning_logs" TO souk_tenant;--> statement-breakpoint

-- 2. The plan catalog is global and public: the tenant role reads it to check
--    limits inside its own transaction. stripe_events gets no grant at all.
GRANT SELECT ON "plans" TO souk_tenant;--> statement-breakpoint

-- 3. Seed the plans. Prices are exact decimals in EUR; storage in bytes.
--    Stripe price ids are configuration (STRIPE_PRICE_<PLAN>) or found by lookup key.
INSERT INTO "plans" ("id", "name", "monthly_price", "currency", "stripe_lookup_key", "trial_days", "max_products", "max_team_members", "max_storage_bytes", "max_api_calls_per_month", "included_usage", "overage_prices", "sort_order") VALUES
  ('trial', 'Free trial', 0, 'EUR', NULL, 14, 25, 2, 524288000, 10000,
    '{"storefront_visits": 5000, "api_calls": 10000, "storage_gb_months": 0.5}', '{}', 0),
  ('starter', 'Starter', 49, 'EUR', 'souk_starter_monthly', NULL, 500, 5, 5368709120, 100000,
    '{"storefront_visits": 50000, "api_calls": 100000, "storage_gb_months": 5}', '{"storefront_visits": "0.002", "api_calls": "0.001", "storage_gb_months": "0.100"}', 1),
  ('pro', 'Pro', 199, 'EUR', 'souk_pro_monthly', NULL, 5000, 20, 53687091200, 1000000,
    '{"storefront_visits": 500000, "api_calls": 1000000, "storage_gb_months": 50}', '{"storefront_visits": "0.001", "api_calls": "0.0005", "storage_gb_months": "0.080"}', 2),
  ('museum', 'Museum', 799, 'EUR', 'souk_museum_monthly', NULL, 100000, 100, 536870912000, 10000000,
    '{"storefront_visits": 5000000, "api_calls": 10000000, "storage_gb_months": 500}', '{"storefront_visits": "0.0005", "api_calls": "0.0002", "storage_gb_months": "0.050"}', 3)
ON CONFLICT ("id") DO NOTHING;
