-- The non-bypass role that withTenant() switches to (SET LOCAL ROLE), so that
-- row-level security applies even when the application connects as a superuser
-- or table owner. Roles are cluster-wide: another database may have created it.
DO $$
BEGIN
  CREATE ROLE souk_tenant NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
-- A non-superuser application user must be a member to switch to the role.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT souk_tenant TO %I', current_user);
  END IF;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO souk_tenant;
