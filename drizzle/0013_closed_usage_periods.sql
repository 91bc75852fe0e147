CREATE TABLE "closed_usage_periods" (
	"period" date PRIMARY KEY NOT NULL,
	"closed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
GRANT SELECT ON "closed_usage_periods" TO souk_tenant;
