CREATE TABLE "customer_rfm" (
	"customer_id" bigint PRIMARY KEY NOT NULL,
	"channel_id" bigint NOT NULL,
	"recency_days" integer,
	"frequency" integer DEFAULT 0 NOT NULL,
	"monetary" numeric(20, 4) DEFAULT '0' NOT NULL,
	"r" smallint NOT NULL,
	"f" smallint NOT NULL,
	"m" smallint NOT NULL,
	"segment" text NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_daily_mix" (
	"channel_id" bigint NOT NULL,
	"website_id" bigint,
	"store_id" bigint,
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	"revenue" numeric(20, 4) DEFAULT '0' NOT NULL,
	CONSTRAINT "report_daily_mix_key" UNIQUE NULLS NOT DISTINCT("channel_id","store_id","day","kind","value"),
	CONSTRAINT "report_daily_mix_kind_check" CHECK ("report_daily_mix"."kind" in ('status', 'payment', 'shipping'))
);
--> statement-breakpoint
CREATE TABLE "report_daily_sales" (
	"channel_id" bigint NOT NULL,
	"website_id" bigint,
	"store_id" bigint,
	"day" date NOT NULL,
	"orders" integer DEFAULT 0 NOT NULL,
	"orders_canceled" integer DEFAULT 0 NOT NULL,
	"revenue" numeric(20, 4) DEFAULT '0' NOT NULL,
	"grand_total" numeric(20, 4) DEFAULT '0' NOT NULL,
	"discount_total" numeric(20, 4) DEFAULT '0' NOT NULL,
	"discounted_orders" integer DEFAULT 0 NOT NULL,
	"new_customers" integer DEFAULT 0 NOT NULL,
	"returning_customers" integer DEFAULT 0 NOT NULL,
	"returning_orders" integer DEFAULT 0 NOT NULL,
	"refunds" numeric(20, 4) DEFAULT '0' NOT NULL,
	"refunds_count" integer DEFAULT 0 NOT NULL,
	"carts_created" integer DEFAULT 0 NOT NULL,
	"carts_purchased" integer DEFAULT 0 NOT NULL,
	"carts_converted" integer DEFAULT 0 NOT NULL,
	"carts_expired" integer DEFAULT 0 NOT NULL,
	"carts_lost" integer DEFAULT 0 NOT NULL,
	"carts_open" integer DEFAULT 0 NOT NULL,
	"carts_abandoned" integer DEFAULT 0 NOT NULL,
	"abandoned_value" numeric(20, 4) DEFAULT '0' NOT NULL,
	"recovered_orders" integer DEFAULT 0 NOT NULL,
	"recovered_revenue" numeric(20, 4) DEFAULT '0' NOT NULL,
	CONSTRAINT "report_daily_sales_key" UNIQUE NULLS NOT DISTINCT("channel_id","store_id","day")
);
--> statement-breakpoint
CREATE TABLE "report_refresh" (
	"channel_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "segments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"entity" text NOT NULL,
	"filters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"shared" boolean DEFAULT false NOT NULL,
	"owner_user_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "segments_entity_check" CHECK ("segments"."entity" in ('customers', 'subscribers', 'carts'))
);
--> statement-breakpoint
ALTER TABLE "customer_rfm" ADD CONSTRAINT "customer_rfm_customer_id_magento_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."magento_customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_rfm" ADD CONSTRAINT "customer_rfm_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_daily_mix" ADD CONSTRAINT "report_daily_mix_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_daily_sales" ADD CONSTRAINT "report_daily_sales_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_refresh" ADD CONSTRAINT "report_refresh_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_rfm_channel_segment_idx" ON "customer_rfm" USING btree ("channel_id","segment");--> statement-breakpoint
CREATE INDEX "report_daily_mix_day_idx" ON "report_daily_mix" USING btree ("kind","day");--> statement-breakpoint
CREATE INDEX "report_daily_sales_day_idx" ON "report_daily_sales" USING btree ("day","channel_id");--> statement-breakpoint
CREATE UNIQUE INDEX "report_refresh_key" ON "report_refresh" USING btree ("channel_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "segments_owner_name_key" ON "segments" USING btree ("owner_user_id","name");--> statement-breakpoint
CREATE INDEX "magento_carts_synced_idx" ON "magento_carts" USING btree ("channel_id","synced_at");--> statement-breakpoint
CREATE INDEX "magento_credit_memos_synced_idx" ON "magento_credit_memos" USING btree ("channel_id","synced_at");--> statement-breakpoint
CREATE INDEX "magento_orders_synced_idx" ON "magento_orders" USING btree ("channel_id","synced_at");--> statement-breakpoint
CREATE INDEX "magento_orders_created_customer_idx" ON "magento_orders" USING btree ("remote_created_at","channel_id","customer_id","state","store_id") WHERE "magento_orders"."removed_at" IS NULL;