-- Accounts (issue 22): one page per buyer across websites and channels. Customers get their account
-- from the sync (lib/sync/rules/accounts.ts), existing ones at their channel's next sync. Saved
-- segments may select accounts; the accounts grid's two sort orders; global search by a part of an
-- account's name (by an email, search uses the customers' own index).
CREATE TABLE "account_emails" (
	"email" text PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "accounts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"type" text NOT NULL,
	"owner_user_id" bigint,
	"sync_key" text,
	"channel_id" bigint,
	"merged_into_id" bigint,
	"merged_at" timestamp with time zone,
	"customers_count" integer DEFAULT 0 NOT NULL,
	"lifetime_value" numeric(20, 4) DEFAULT '0' NOT NULL,
	"orders_count" integer DEFAULT 0 NOT NULL,
	"refunds_total" numeric(20, 4) DEFAULT '0' NOT NULL,
	"currency_code" text,
	"mixed_currencies" boolean DEFAULT false NOT NULL,
	"first_order_at" timestamp with time zone,
	"last_order_at" timestamp with time zone,
	"rfm_r" smallint,
	"rfm_f" smallint,
	"rfm_m" smallint,
	"rfm_segment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_type_check" CHECK ("accounts"."type" in ('person', 'company'))
);
--> statement-breakpoint
ALTER TABLE "segments" DROP CONSTRAINT "segments_entity_check";--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "group_by_company" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "magento_customers" ADD COLUMN "account_id" bigint;--> statement-breakpoint
ALTER TABLE "account_emails" ADD CONSTRAINT "account_emails_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_merged_into_id_accounts_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_emails_account_idx" ON "account_emails" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_sync_key" ON "accounts" USING btree ("sync_key");--> statement-breakpoint
CREATE INDEX "accounts_name_trgm_idx" ON "accounts" USING gin (lower("name") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "accounts_owner_idx" ON "accounts" USING btree ("owner_user_id") WHERE "accounts"."owner_user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "accounts_merged_into_idx" ON "accounts" USING btree ("merged_into_id") WHERE "accounts"."merged_into_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "accounts_grid_last_order_idx" ON "accounts" USING btree ("last_order_at" DESC NULLS LAST,"id" DESC NULLS FIRST) WHERE "accounts"."merged_into_id" IS NULL;--> statement-breakpoint
CREATE INDEX "accounts_grid_lifetime_value_idx" ON "accounts" USING btree ("lifetime_value" DESC NULLS LAST,"id" DESC NULLS FIRST) WHERE "accounts"."merged_into_id" IS NULL;--> statement-breakpoint
ALTER TABLE "magento_customers" ADD CONSTRAINT "magento_customers_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "magento_customers_account_idx" ON "magento_customers" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "magento_customers_unassigned_idx" ON "magento_customers" USING btree ("channel_id","id") WHERE "magento_customers"."account_id" IS NULL;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_entity_check" CHECK ("segments"."entity" in ('customers', 'subscribers', 'carts', 'accounts'));