ALTER TABLE "report_daily_mix" ALTER COLUMN "revenue" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "report_daily_mix" ALTER COLUMN "revenue" SET DEFAULT '0';--> statement-breakpoint
ALTER TABLE "report_daily_products" ALTER COLUMN "revenue" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "report_daily_products" ALTER COLUMN "revenue" SET DEFAULT '0';--> statement-breakpoint
ALTER TABLE "report_daily_sales" ALTER COLUMN "revenue" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "report_daily_sales" ALTER COLUMN "revenue" SET DEFAULT '0';--> statement-breakpoint
ALTER TABLE "report_daily_sales" ALTER COLUMN "grand_total" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "report_daily_sales" ALTER COLUMN "grand_total" SET DEFAULT '0';--> statement-breakpoint
ALTER TABLE "report_daily_sales" ALTER COLUMN "discount_total" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "report_daily_sales" ALTER COLUMN "discount_total" SET DEFAULT '0';--> statement-breakpoint
ALTER TABLE "report_daily_sales" ALTER COLUMN "refunds" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "report_daily_sales" ALTER COLUMN "refunds" SET DEFAULT '0';--> statement-breakpoint
ALTER TABLE "report_daily_sales" ALTER COLUMN "abandoned_value" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "report_daily_sales" ALTER COLUMN "abandoned_value" SET DEFAULT '0';--> statement-breakpoint
ALTER TABLE "report_daily_sales" ALTER COLUMN "recovered_revenue" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "report_daily_sales" ALTER COLUMN "recovered_revenue" SET DEFAULT '0';--> statement-breakpoint
ALTER TABLE "report_monthly_products" ALTER COLUMN "revenue" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "report_monthly_products" ALTER COLUMN "revenue" SET DEFAULT '0';--> statement-breakpoint
ALTER TABLE "report_daily_sales" ADD COLUMN "base_revenue" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "report_daily_sales" ADD COLUMN "base_refunds" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "report_daily_sales" ADD COLUMN "base_currency" text;--> statement-breakpoint
ALTER TABLE "report_daily_sales" ADD COLUMN "global_currency" text;--> statement-breakpoint
ALTER TABLE "report_daily_sales" ADD COLUMN "unconverted_orders" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_daily_sales" ADD COLUMN "unconverted_refunds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_daily_sales" ADD COLUMN "unconverted_carts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Issue 16 (hand-written): a store's zone is used in AT TIME ZONE, so only names Postgres knows stay.
UPDATE "magento_stores" SET "timezone" = NULL
WHERE "timezone" IS NOT NULL AND "timezone" NOT IN (SELECT "name" FROM pg_timezone_names);--> statement-breakpoint
-- The rollups and RFM scores change meaning (store-local days, global currency): the next refresh of
-- each channel rebuilds them whole (a missing refresh time means "never refreshed").
DELETE FROM "report_refresh" WHERE "kind" IN ('daily_sales', 'rfm');
