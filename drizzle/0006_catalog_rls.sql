-- 1. Catalog, media, storefront and visit tables: RLS applies to owners too.
ALTER TABLE "categories" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "products" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "media_assets" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "storefront_settings" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "visits" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- 2. Only the privileges the domain needs. Products are archived, never deleted;
--    categories and media may be deleted; visits are append-only for the tenant
--    role (old visits would be pruned by a system job); storefront settings are upserted.
GRANT SELECT, INSERT, UPDATE, DELETE ON "categories" TO souk_tenant;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "products" TO souk_tenant;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "media_assets" TO souk_tenant;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "storefront_settings" TO souk_tenant;--> statement-breakpoint
GRANT SELECT, INSERT ON "visits" TO souk_tenant;
