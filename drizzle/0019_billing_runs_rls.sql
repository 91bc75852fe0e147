-- Usage statements, their lines and the meter-event ledger: RLS applies to owners too, and the
-- tenant role may only READ them (a shop sees its statements, never writes them). Only the
-- billing run writes, through the system door. billing_runs is global: no tenant grant at all.
ALTER TABLE "usage_statements" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "usage_statement_lines" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "meter_event_reports" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT ON "usage_statements" TO souk_tenant;--> statement-breakpoint
GRANT SELECT ON "usage_statement_lines" TO souk_tenant;--> statement-breakpoint
GRANT SELECT ON "meter_event_reports" TO souk_tenant;
