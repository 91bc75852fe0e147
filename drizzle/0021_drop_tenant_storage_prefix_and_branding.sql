ALTER TABLE "tenants" DROP COLUMN "branding";--> statement-breakpoint
ALTER TABLE "tenants" DROP COLUMN "storage_prefix";