CREATE TYPE "public"."billing_run_status" AS ENUM('running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TYPE "public"."meter_event_status" AS ENUM('pending', 'reported');--> statement-breakpoint
CREATE TABLE "billing_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"period" date NOT NULL,
	"status" "billing_run_status" DEFAULT 'running' NOT NULL,
	"trigger" text NOT NULL,
	"events" bigint DEFAULT 0 NOT NULL,
	"events_total" bigint,
	"tenants" integer DEFAULT 0 NOT NULL,
	"tenants_total" integer,
	"statement_lines" integer DEFAULT 0 NOT NULL,
	"events_reported" integer DEFAULT 0 NOT NULL,
	"duration_ms" integer,
	"events_per_second" numeric(14, 1),
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "meter_event_reports" (
	"tenant_id" uuid NOT NULL,
	"period" date NOT NULL,
	"metric" text NOT NULL,
	"identifier" text NOT NULL,
	"event_name" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"value" numeric(20, 6) NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	"status" "meter_event_status" DEFAULT 'pending' NOT NULL,
	"attempted_at" timestamp with time zone,
	"reported_at" timestamp with time zone,
	"run_id" uuid,
	CONSTRAINT "meter_event_reports_tenant_id_period_metric_pk" PRIMARY KEY("tenant_id","period","metric")
);
--> statement-breakpoint
ALTER TABLE "meter_event_reports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "usage_statement_lines" (
	"tenant_id" uuid NOT NULL,
	"period" date NOT NULL,
	"metric" text NOT NULL,
	"quantity" numeric(20, 6) NOT NULL,
	"included" numeric(20, 6) NOT NULL,
	"billable" numeric(20, 6) NOT NULL,
	"unit_price" numeric(18, 8) NOT NULL,
	"amount" numeric(12, 3) NOT NULL,
	"currency" text NOT NULL,
	CONSTRAINT "usage_statement_lines_tenant_id_period_metric_pk" PRIMARY KEY("tenant_id","period","metric")
);
--> statement-breakpoint
ALTER TABLE "usage_statement_lines" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "usage_statements" (
	"tenant_id" uuid NOT NULL,
	"period" date NOT NULL,
	"plan" text NOT NULL,
	"currency" text NOT NULL,
	"total" numeric(12, 3) NOT NULL,
	"events" bigint NOT NULL,
	"run_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_statements_tenant_id_period_pk" PRIMARY KEY("tenant_id","period")
);
--> statement-breakpoint
ALTER TABLE "usage_statements" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "meter_event_reports" ADD CONSTRAINT "meter_event_reports_tenant_id_period_metric_usage_statement_lines_tenant_id_period_metric_fk" FOREIGN KEY ("tenant_id","period","metric") REFERENCES "public"."usage_statement_lines"("tenant_id","period","metric") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_statement_lines" ADD CONSTRAINT "usage_statement_lines_tenant_id_period_usage_statements_tenant_id_period_fk" FOREIGN KEY ("tenant_id","period") REFERENCES "public"."usage_statements"("tenant_id","period") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_statements" ADD CONSTRAINT "usage_statements_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_runs_period_started_at_index" ON "billing_runs" USING btree ("period","started_at");--> statement-breakpoint
CREATE INDEX "billing_runs_started_at_index" ON "billing_runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "meter_event_reports_pending" ON "meter_event_reports" USING btree ("period") WHERE "meter_event_reports"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "usage_statements_period_index" ON "usage_statements" USING btree ("period");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "meter_event_reports" AS PERMISSIVE FOR ALL TO "souk_tenant" USING ("meter_event_reports"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("meter_event_reports"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "usage_statement_lines" AS PERMISSIVE FOR ALL TO "souk_tenant" USING ("usage_statement_lines"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("usage_statement_lines"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "usage_statements" AS PERMISSIVE FOR ALL TO "souk_tenant" USING ("usage_statements"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("usage_statements"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);