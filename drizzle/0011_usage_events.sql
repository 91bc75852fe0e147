-- Partitioned by month (range on period); drizzle-kit does not model partitioning, so PARTITION BY is added here.
CREATE TABLE "usage_events" (
	"tenant_id" uuid NOT NULL,
	"period" date NOT NULL,
	"idempotency_key" text NOT NULL,
	"metric" text NOT NULL,
	"quantity" numeric(20, 6) NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"ingested_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_events_tenant_id_period_idempotency_key_pk" PRIMARY KEY("tenant_id","period","idempotency_key"),
	CONSTRAINT "usage_events_period_matches" CHECK ("usage_events"."period" = (date_trunc('month', "usage_events"."occurred_at" at time zone 'UTC'))::date),
	CONSTRAINT "usage_events_quantity_non_negative" CHECK ("usage_events"."quantity" >= 0)
) PARTITION BY RANGE ("period");
--> statement-breakpoint
ALTER TABLE "usage_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "usage_events" AS PERMISSIVE FOR ALL TO "souk_tenant" USING ("usage_events"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK ("usage_events"."tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);