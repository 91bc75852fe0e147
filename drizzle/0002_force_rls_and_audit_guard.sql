-- 1. RLS applies to table owners too (FORCE). withSystem() relies on a
--    superuser/BYPASSRLS connection instead of owner privileges.
ALTER TABLE "tenants" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "memberships" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "audit_log" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "users" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- 2. The tenant role gets explicit grants on tenant tables only; global tables
--    (auth tokens, throttles, captured mail) stay out of its reach; a tenant
--    may not change its own status or plan; and of
--    users it may read only the public profile of fellow members (RLS policy).
GRANT SELECT, UPDATE ("name", "default_currency", "branding", "updated_at") ON "tenants" TO souk_tenant;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "memberships" TO souk_tenant;--> statement-breakpoint
GRANT SELECT, INSERT ON "audit_log" TO souk_tenant;--> statement-breakpoint
GRANT SELECT ("id", "name", "email", "image", "email_verified", "created_at") ON "users" TO souk_tenant;--> statement-breakpoint

-- 3. The audit trail is append-only.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;--> statement-breakpoint
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
