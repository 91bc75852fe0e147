CREATE TABLE "visit_rate_limits" (
	"tenant_id" uuid NOT NULL,
	"client_key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer NOT NULL,
	CONSTRAINT "visit_rate_limits_tenant_id_client_key_window_start_pk" PRIMARY KEY("tenant_id","client_key","window_start")
);
--> statement-breakpoint
ALTER TABLE "visit_rate_limits" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "visit_rate_limits" ADD CONSTRAINT "visit_rate_limits_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "visit_rate_limits" AS PERMISSIVE FOR ALL TO "souk_tenant" USING ("visit_rate_limits"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("visit_rate_limits"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);