-- The visit beacon's per-client counters: RLS applies to owners too, and the tenant role
-- counts (insert, update) and prunes (delete) only its own shop's rows.
ALTER TABLE "visit_rate_limits" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "visit_rate_limits" TO souk_tenant;
