-- api_keys: a global table (platform keys have no tenant) that shops see through the tenant
-- policy, so a shop reads, creates and revokes only its own keys and never a platform key.
-- The tenant role may change a key's name and revocation only (no delete: keys stay for the audit
-- trail); last_used_at and lookups by hash go through the system door.
ALTER TABLE "api_keys" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT ON "api_keys" TO souk_tenant;--> statement-breakpoint
GRANT UPDATE ("name", "revoked_at") ON "api_keys" TO souk_tenant;--> statement-breakpoint
-- usage_alerts: written once per tenant, period, metric and threshold; never changed.
ALTER TABLE "usage_alerts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT ON "usage_alerts" TO souk_tenant;
