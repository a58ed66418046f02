CREATE TABLE "report_daily_products" (
	"channel_id" bigint NOT NULL,
	"website_id" bigint,
	"store_id" bigint,
	"day" date NOT NULL,
	"sku" text NOT NULL,
	"name" text,
	"currency" text,
	"qty" numeric(20, 4) DEFAULT '0' NOT NULL,
	"revenue" numeric(20, 4) DEFAULT '0' NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	"qty_refunded" numeric(20, 4) DEFAULT '0' NOT NULL,
	CONSTRAINT "report_daily_products_key" UNIQUE NULLS NOT DISTINCT("day","channel_id","store_id","sku")
);
--> statement-breakpoint
CREATE TABLE "report_monthly_products" (
	"channel_id" bigint NOT NULL,
	"website_id" bigint,
	"store_id" bigint,
	"month" date NOT NULL,
	"sku" text NOT NULL,
	"name" text,
	"currency" text,
	"qty" numeric(20, 4) DEFAULT '0' NOT NULL,
	"revenue" numeric(20, 4) DEFAULT '0' NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	"qty_refunded" numeric(20, 4) DEFAULT '0' NOT NULL,
	CONSTRAINT "report_monthly_products_key" UNIQUE NULLS NOT DISTINCT("month","channel_id","store_id","sku"),
	CONSTRAINT "report_monthly_products_month_check" CHECK (extract(day from "report_monthly_products"."month") = 1)
);
--> statement-breakpoint
ALTER TABLE "report_daily_products" ADD CONSTRAINT "report_daily_products_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_monthly_products" ADD CONSTRAINT "report_monthly_products_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;