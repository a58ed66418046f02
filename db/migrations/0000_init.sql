CREATE TABLE "login_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"window_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"user_id" bigint
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"preferences" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_login_at" timestamp with time zone,
	"deactivated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role_check" CHECK ("users"."role" in ('admin', 'manager', 'agent', 'viewer')),
	CONSTRAINT "users_email_lower_check" CHECK ("users"."email" = lower("users"."email"))
);
--> statement-breakpoint
CREATE TABLE "channels" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "channels_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"base_url" text NOT NULL,
	"store_code" text DEFAULT 'default' NOT NULL,
	"admin_url" text,
	"auth_type" text DEFAULT 'bearer' NOT NULL,
	"credentials_encrypted" text,
	"active" boolean DEFAULT true NOT NULL,
	"two_way_sync" boolean DEFAULT false NOT NULL,
	"sync_priority" text DEFAULT 'magento' NOT NULL,
	"website_origin_ids" jsonb,
	"guest_mode" text DEFAULT 'per_email' NOT NULL,
	"shared_guest_emails" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sync_start_date" date,
	"sync_interval_minutes" integer DEFAULT 15 NOT NULL,
	"cart_expiration_days" integer,
	"entities" jsonb DEFAULT '["customers","carts","orders","credit_memos","newsletter_subscribers"]'::jsonb NOT NULL,
	"base_currency_code" text,
	"deleting_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channels_sync_interval_check" CHECK ("channels"."sync_interval_minutes" > 0)
);
--> statement-breakpoint
CREATE TABLE "magento_cart_items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "magento_cart_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"origin_id" bigint NOT NULL,
	"cart_id" bigint NOT NULL,
	"cart_origin_id" bigint NOT NULL,
	"parent_item_origin_id" bigint,
	"sku" text NOT NULL,
	"name" text,
	"product_type" text,
	"product_origin_id" bigint,
	"qty" numeric(20, 4) NOT NULL,
	"price" numeric(20, 4) DEFAULT '0' NOT NULL,
	"row_total" numeric(20, 4),
	"tax_amount" numeric(20, 4),
	"discount_amount" numeric(20, 4),
	"remote_created_at" timestamp with time zone,
	"remote_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "magento_carts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "magento_carts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"origin_id" bigint NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"status_message" text,
	"status_changed_at" timestamp with time zone,
	"is_active" boolean DEFAULT true NOT NULL,
	"customer_id" bigint,
	"customer_origin_id" bigint,
	"is_guest" boolean DEFAULT false NOT NULL,
	"customer_email" text,
	"customer_first_name" text,
	"customer_last_name" text,
	"store_id" bigint,
	"store_origin_id" bigint,
	"items_count" integer DEFAULT 0 NOT NULL,
	"items_qty" numeric(20, 4) DEFAULT '0' NOT NULL,
	"subtotal" numeric(20, 4) DEFAULT '0' NOT NULL,
	"subtotal_with_discount" numeric(20, 4),
	"grand_total" numeric(20, 4) DEFAULT '0' NOT NULL,
	"base_grand_total" numeric(20, 4),
	"currency_code" text,
	"base_currency_code" text,
	"coupon_code" text,
	"billing_country_id" text,
	"billing_region" text,
	"reserved_order_id" text,
	"converted_at" timestamp with time zone,
	"order_id" bigint,
	"assignee_user_id" bigint,
	"follow_up_state" text,
	"last_contact_at" timestamp with time zone,
	"contact_count" integer DEFAULT 0 NOT NULL,
	"remote_created_at" timestamp with time zone,
	"remote_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "magento_carts_status_check" CHECK ("magento_carts"."status" in ('open', 'expired', 'lost', 'converted', 'purchased'))
);
--> statement-breakpoint
CREATE TABLE "magento_credit_memo_items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "magento_credit_memo_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"origin_id" bigint NOT NULL,
	"credit_memo_id" bigint NOT NULL,
	"order_item_origin_id" bigint,
	"sku" text,
	"name" text,
	"qty" numeric(20, 4) DEFAULT '0' NOT NULL,
	"price" numeric(20, 4) DEFAULT '0' NOT NULL,
	"row_total" numeric(20, 4) DEFAULT '0' NOT NULL,
	"tax_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"discount_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"remote_created_at" timestamp with time zone,
	"remote_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "magento_credit_memos" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "magento_credit_memos_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"origin_id" bigint NOT NULL,
	"increment_id" text,
	"order_id" bigint,
	"order_origin_id" bigint NOT NULL,
	"customer_id" bigint,
	"store_id" bigint,
	"store_origin_id" bigint,
	"state" smallint,
	"grand_total" numeric(20, 4) DEFAULT '0' NOT NULL,
	"base_grand_total" numeric(20, 4),
	"subtotal" numeric(20, 4) DEFAULT '0' NOT NULL,
	"tax_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"shipping_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"discount_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"adjustment" numeric(20, 4) DEFAULT '0' NOT NULL,
	"adjustment_positive" numeric(20, 4) DEFAULT '0' NOT NULL,
	"adjustment_negative" numeric(20, 4) DEFAULT '0' NOT NULL,
	"order_currency_code" text,
	"base_currency_code" text,
	"remote_created_at" timestamp with time zone,
	"remote_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "magento_customer_addresses" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "magento_customer_addresses_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"origin_id" bigint NOT NULL,
	"customer_id" bigint,
	"customer_origin_id" bigint,
	"first_name" text,
	"last_name" text,
	"company" text,
	"street" text[],
	"city" text,
	"region" text,
	"region_code" text,
	"region_origin_id" bigint,
	"postcode" text,
	"country_id" text,
	"telephone" text,
	"is_default_billing" boolean DEFAULT false NOT NULL,
	"is_default_shipping" boolean DEFAULT false NOT NULL,
	"remote_created_at" timestamp with time zone,
	"remote_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "magento_customer_groups" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "magento_customer_groups_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"origin_id" bigint NOT NULL,
	"code" text NOT NULL,
	"tax_class_origin_id" bigint,
	"tax_class_name" text,
	"remote_created_at" timestamp with time zone,
	"remote_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "magento_customers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "magento_customers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"origin_id" bigint,
	"is_guest" boolean DEFAULT false NOT NULL,
	"guest_key" text,
	"merged_into_id" bigint,
	"email" text NOT NULL,
	"prefix" text,
	"first_name" text,
	"middle_name" text,
	"last_name" text,
	"suffix" text,
	"dob" date,
	"gender" smallint,
	"taxvat" text,
	"group_id" bigint,
	"group_origin_id" bigint,
	"website_id" bigint,
	"website_origin_id" bigint,
	"store_id" bigint,
	"store_origin_id" bigint,
	"created_in" text,
	"is_subscribed" boolean,
	"default_billing_origin_id" bigint,
	"default_shipping_origin_id" bigint,
	"billing_country_id" text,
	"billing_region" text,
	"lifetime_value" numeric(20, 4) DEFAULT '0' NOT NULL,
	"orders_count" integer DEFAULT 0 NOT NULL,
	"refunds_total" numeric(20, 4) DEFAULT '0' NOT NULL,
	"currency_code" text,
	"assignee_user_id" bigint,
	"portal_updated_at" timestamp with time zone,
	"remote_created_at" timestamp with time zone,
	"remote_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "magento_customers_guest_check" CHECK (("magento_customers"."is_guest" and "magento_customers"."origin_id" is null and "magento_customers"."guest_key" is not null) or (not "magento_customers"."is_guest" and "magento_customers"."origin_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "magento_newsletter_subscribers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "magento_newsletter_subscribers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"origin_id" bigint NOT NULL,
	"customer_id" bigint,
	"customer_origin_id" bigint,
	"email" text NOT NULL,
	"store_id" bigint,
	"store_origin_id" bigint,
	"status" text NOT NULL,
	"changed_at" timestamp with time zone,
	"portal_updated_at" timestamp with time zone,
	"remote_created_at" timestamp with time zone,
	"remote_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "magento_newsletter_subscribers_status_check" CHECK ("magento_newsletter_subscribers"."status" in ('subscribed', 'not_active', 'unsubscribed', 'unconfirmed'))
);
--> statement-breakpoint
CREATE TABLE "magento_order_addresses" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "magento_order_addresses_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"origin_id" bigint NOT NULL,
	"order_id" bigint NOT NULL,
	"order_origin_id" bigint NOT NULL,
	"address_type" text NOT NULL,
	"first_name" text,
	"last_name" text,
	"company" text,
	"street" text[],
	"city" text,
	"region" text,
	"region_code" text,
	"postcode" text,
	"country_id" text,
	"telephone" text,
	"email" text,
	"remote_created_at" timestamp with time zone,
	"remote_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "magento_order_items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "magento_order_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"origin_id" bigint NOT NULL,
	"order_id" bigint NOT NULL,
	"order_origin_id" bigint NOT NULL,
	"parent_item_origin_id" bigint,
	"sku" text NOT NULL,
	"name" text,
	"product_type" text,
	"product_origin_id" bigint,
	"qty_ordered" numeric(20, 4) DEFAULT '0' NOT NULL,
	"qty_invoiced" numeric(20, 4) DEFAULT '0' NOT NULL,
	"qty_shipped" numeric(20, 4) DEFAULT '0' NOT NULL,
	"qty_refunded" numeric(20, 4) DEFAULT '0' NOT NULL,
	"qty_canceled" numeric(20, 4) DEFAULT '0' NOT NULL,
	"price" numeric(20, 4) DEFAULT '0' NOT NULL,
	"base_price" numeric(20, 4),
	"original_price" numeric(20, 4),
	"row_total" numeric(20, 4) DEFAULT '0' NOT NULL,
	"tax_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"discount_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"remote_created_at" timestamp with time zone,
	"remote_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "magento_orders" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "magento_orders_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"origin_id" bigint NOT NULL,
	"increment_id" text NOT NULL,
	"quote_origin_id" bigint,
	"cart_id" bigint,
	"state" text NOT NULL,
	"status" text NOT NULL,
	"customer_id" bigint,
	"customer_origin_id" bigint,
	"is_guest" boolean DEFAULT false NOT NULL,
	"customer_email" text,
	"customer_first_name" text,
	"customer_last_name" text,
	"customer_group_origin_id" bigint,
	"store_id" bigint,
	"store_origin_id" bigint,
	"grand_total" numeric(20, 4) NOT NULL,
	"base_grand_total" numeric(20, 4),
	"subtotal" numeric(20, 4) DEFAULT '0' NOT NULL,
	"tax_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"shipping_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"discount_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"total_paid" numeric(20, 4) DEFAULT '0' NOT NULL,
	"total_refunded" numeric(20, 4) DEFAULT '0' NOT NULL,
	"total_canceled" numeric(20, 4) DEFAULT '0' NOT NULL,
	"total_due" numeric(20, 4),
	"order_currency_code" text,
	"base_currency_code" text,
	"global_currency_code" text,
	"coupon_code" text,
	"payment_method" text,
	"shipping_method" text,
	"shipping_description" text,
	"total_item_count" integer DEFAULT 0 NOT NULL,
	"total_qty_ordered" numeric(20, 4),
	"billing_country_id" text,
	"billing_region" text,
	"remote_ip" text,
	"remote_created_at" timestamp with time zone,
	"remote_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "magento_stores" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "magento_stores_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"origin_id" bigint NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"website_id" bigint,
	"website_origin_id" bigint,
	"store_group_origin_id" bigint,
	"is_active" boolean DEFAULT true NOT NULL,
	"locale" text,
	"timezone" text,
	"base_currency_code" text,
	"default_display_currency_code" text,
	"base_url" text,
	"remote_created_at" timestamp with time zone,
	"remote_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "magento_websites" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "magento_websites_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"origin_id" bigint NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"default_group_origin_id" bigint,
	"remote_created_at" timestamp with time zone,
	"remote_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"entity_type" text,
	"entity_id" bigint,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"result" jsonb,
	"created_by_user_id" bigint,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbox_status_check" CHECK ("outbox"."status" in ('pending', 'in_progress', 'done', 'failed', 'dead'))
);
--> statement-breakpoint
CREATE TABLE "sync_checkpoints" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sync_checkpoints_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"connector" text NOT NULL,
	"mode" text NOT NULL,
	"window_start" timestamp with time zone,
	"window_end" timestamp with time zone,
	"last_updated_at" timestamp with time zone,
	"last_origin_id" text,
	"page" integer,
	"cursor" jsonb,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_errors" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sync_errors_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"run_id" bigint,
	"channel_id" bigint NOT NULL,
	"connector" text NOT NULL,
	"origin_id" text,
	"page" integer,
	"field" text,
	"message" text NOT NULL,
	"payload" jsonb,
	"retryable" text,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sync_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"mode" text NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"requested_by_user_id" bigint,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"cancel_requested_at" timestamp with time zone,
	"records_changed" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"stats" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error_message" text,
	"external_run_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_runs_status_check" CHECK ("sync_runs"."status" in ('queued', 'running', 'succeeded', 'partial', 'failed', 'canceled'))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" bigint,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"entity_type" text,
	"entity_id" text,
	"channel_id" bigint,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ip" text
);
--> statement-breakpoint
ALTER TABLE "login_throttle" ADD CONSTRAINT "login_throttle_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_cart_items" ADD CONSTRAINT "magento_cart_items_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_cart_items" ADD CONSTRAINT "magento_cart_items_cart_id_magento_carts_id_fk" FOREIGN KEY ("cart_id") REFERENCES "public"."magento_carts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_carts" ADD CONSTRAINT "magento_carts_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_carts" ADD CONSTRAINT "magento_carts_customer_id_magento_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."magento_customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_carts" ADD CONSTRAINT "magento_carts_store_id_magento_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."magento_stores"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_carts" ADD CONSTRAINT "magento_carts_order_id_magento_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."magento_orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_carts" ADD CONSTRAINT "magento_carts_assignee_user_id_users_id_fk" FOREIGN KEY ("assignee_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_credit_memo_items" ADD CONSTRAINT "magento_credit_memo_items_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_credit_memo_items" ADD CONSTRAINT "magento_credit_memo_items_credit_memo_id_magento_credit_memos_id_fk" FOREIGN KEY ("credit_memo_id") REFERENCES "public"."magento_credit_memos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_credit_memos" ADD CONSTRAINT "magento_credit_memos_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_credit_memos" ADD CONSTRAINT "magento_credit_memos_order_id_magento_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."magento_orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_credit_memos" ADD CONSTRAINT "magento_credit_memos_customer_id_magento_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."magento_customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_credit_memos" ADD CONSTRAINT "magento_credit_memos_store_id_magento_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."magento_stores"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_customer_addresses" ADD CONSTRAINT "magento_customer_addresses_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_customer_addresses" ADD CONSTRAINT "magento_customer_addresses_customer_id_magento_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."magento_customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_customer_groups" ADD CONSTRAINT "magento_customer_groups_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_customers" ADD CONSTRAINT "magento_customers_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_customers" ADD CONSTRAINT "magento_customers_merged_into_id_magento_customers_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."magento_customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_customers" ADD CONSTRAINT "magento_customers_group_id_magento_customer_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."magento_customer_groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_customers" ADD CONSTRAINT "magento_customers_website_id_magento_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."magento_websites"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_customers" ADD CONSTRAINT "magento_customers_store_id_magento_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."magento_stores"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_customers" ADD CONSTRAINT "magento_customers_assignee_user_id_users_id_fk" FOREIGN KEY ("assignee_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_newsletter_subscribers" ADD CONSTRAINT "magento_newsletter_subscribers_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_newsletter_subscribers" ADD CONSTRAINT "magento_newsletter_subscribers_customer_id_magento_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."magento_customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_newsletter_subscribers" ADD CONSTRAINT "magento_newsletter_subscribers_store_id_magento_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."magento_stores"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_order_addresses" ADD CONSTRAINT "magento_order_addresses_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_order_addresses" ADD CONSTRAINT "magento_order_addresses_order_id_magento_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."magento_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_order_items" ADD CONSTRAINT "magento_order_items_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_order_items" ADD CONSTRAINT "magento_order_items_order_id_magento_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."magento_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_orders" ADD CONSTRAINT "magento_orders_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_orders" ADD CONSTRAINT "magento_orders_cart_id_magento_carts_id_fk" FOREIGN KEY ("cart_id") REFERENCES "public"."magento_carts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_orders" ADD CONSTRAINT "magento_orders_customer_id_magento_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."magento_customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_orders" ADD CONSTRAINT "magento_orders_store_id_magento_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."magento_stores"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_stores" ADD CONSTRAINT "magento_stores_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_stores" ADD CONSTRAINT "magento_stores_website_id_magento_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."magento_websites"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "magento_websites" ADD CONSTRAINT "magento_websites_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_checkpoints" ADD CONSTRAINT "sync_checkpoints_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_errors" ADD CONSTRAINT "sync_errors_run_id_sync_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."sync_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_errors" ADD CONSTRAINT "sync_errors_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_requested_by_user_id_users_id_fk" FOREIGN KEY ("requested_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "login_throttle_locked_until_idx" ON "login_throttle" USING btree ("locked_until");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "channels_name_key" ON "channels" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "magento_cart_items_channel_origin_key" ON "magento_cart_items" USING btree ("channel_id","origin_id");--> statement-breakpoint
CREATE INDEX "magento_cart_items_cart_idx" ON "magento_cart_items" USING btree ("cart_id");--> statement-breakpoint
CREATE INDEX "magento_cart_items_sku_idx" ON "magento_cart_items" USING btree ("sku");--> statement-breakpoint
CREATE UNIQUE INDEX "magento_carts_channel_origin_key" ON "magento_carts" USING btree ("channel_id","origin_id");--> statement-breakpoint
CREATE INDEX "magento_carts_status_updated_idx" ON "magento_carts" USING btree ("channel_id","status","remote_updated_at");--> statement-breakpoint
CREATE INDEX "magento_carts_updated_idx" ON "magento_carts" USING btree ("remote_updated_at");--> statement-breakpoint
CREATE INDEX "magento_carts_created_idx" ON "magento_carts" USING btree ("remote_created_at");--> statement-breakpoint
CREATE INDEX "magento_carts_email_idx" ON "magento_carts" USING btree ("customer_email");--> statement-breakpoint
CREATE INDEX "magento_carts_grand_total_idx" ON "magento_carts" USING btree ("grand_total");--> statement-breakpoint
CREATE INDEX "magento_carts_customer_idx" ON "magento_carts" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "magento_carts_order_idx" ON "magento_carts" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "magento_credit_memo_items_channel_origin_key" ON "magento_credit_memo_items" USING btree ("channel_id","origin_id");--> statement-breakpoint
CREATE INDEX "magento_credit_memo_items_memo_idx" ON "magento_credit_memo_items" USING btree ("credit_memo_id");--> statement-breakpoint
CREATE UNIQUE INDEX "magento_credit_memos_channel_origin_key" ON "magento_credit_memos" USING btree ("channel_id","origin_id");--> statement-breakpoint
CREATE INDEX "magento_credit_memos_order_idx" ON "magento_credit_memos" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "magento_credit_memos_created_idx" ON "magento_credit_memos" USING btree ("remote_created_at");--> statement-breakpoint
CREATE INDEX "magento_credit_memos_grand_total_idx" ON "magento_credit_memos" USING btree ("grand_total");--> statement-breakpoint
CREATE INDEX "magento_credit_memos_state_idx" ON "magento_credit_memos" USING btree ("channel_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "magento_customer_addresses_channel_origin_key" ON "magento_customer_addresses" USING btree ("channel_id","origin_id");--> statement-breakpoint
CREATE INDEX "magento_customer_addresses_customer_idx" ON "magento_customer_addresses" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "magento_customer_groups_channel_origin_key" ON "magento_customer_groups" USING btree ("channel_id","origin_id");--> statement-breakpoint
CREATE UNIQUE INDEX "magento_customers_channel_origin_key" ON "magento_customers" USING btree ("channel_id","origin_id");--> statement-breakpoint
CREATE UNIQUE INDEX "magento_customers_channel_guest_key" ON "magento_customers" USING btree ("channel_id","guest_key");--> statement-breakpoint
CREATE INDEX "magento_customers_email_idx" ON "magento_customers" USING btree ("channel_id","email");--> statement-breakpoint
CREATE INDEX "magento_customers_created_idx" ON "magento_customers" USING btree ("remote_created_at");--> statement-breakpoint
CREATE INDEX "magento_customers_updated_idx" ON "magento_customers" USING btree ("remote_updated_at");--> statement-breakpoint
CREATE INDEX "magento_customers_ltv_idx" ON "magento_customers" USING btree ("lifetime_value");--> statement-breakpoint
CREATE INDEX "magento_customers_name_idx" ON "magento_customers" USING btree ("last_name","first_name");--> statement-breakpoint
CREATE UNIQUE INDEX "magento_newsletter_subscribers_channel_origin_key" ON "magento_newsletter_subscribers" USING btree ("channel_id","origin_id");--> statement-breakpoint
CREATE INDEX "magento_newsletter_subscribers_status_idx" ON "magento_newsletter_subscribers" USING btree ("channel_id","status");--> statement-breakpoint
CREATE INDEX "magento_newsletter_subscribers_email_idx" ON "magento_newsletter_subscribers" USING btree ("email");--> statement-breakpoint
CREATE INDEX "magento_newsletter_subscribers_changed_idx" ON "magento_newsletter_subscribers" USING btree ("changed_at");--> statement-breakpoint
CREATE INDEX "magento_newsletter_subscribers_customer_idx" ON "magento_newsletter_subscribers" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "magento_order_addresses_channel_origin_key" ON "magento_order_addresses" USING btree ("channel_id","origin_id");--> statement-breakpoint
CREATE INDEX "magento_order_addresses_order_idx" ON "magento_order_addresses" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "magento_order_items_channel_origin_key" ON "magento_order_items" USING btree ("channel_id","origin_id");--> statement-breakpoint
CREATE INDEX "magento_order_items_order_idx" ON "magento_order_items" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "magento_order_items_sku_idx" ON "magento_order_items" USING btree ("sku");--> statement-breakpoint
CREATE UNIQUE INDEX "magento_orders_channel_origin_key" ON "magento_orders" USING btree ("channel_id","origin_id");--> statement-breakpoint
CREATE INDEX "magento_orders_increment_idx" ON "magento_orders" USING btree ("channel_id","increment_id");--> statement-breakpoint
CREATE INDEX "magento_orders_quote_idx" ON "magento_orders" USING btree ("channel_id","quote_origin_id");--> statement-breakpoint
CREATE INDEX "magento_orders_status_idx" ON "magento_orders" USING btree ("channel_id","status");--> statement-breakpoint
CREATE INDEX "magento_orders_state_idx" ON "magento_orders" USING btree ("channel_id","state");--> statement-breakpoint
CREATE INDEX "magento_orders_created_idx" ON "magento_orders" USING btree ("remote_created_at");--> statement-breakpoint
CREATE INDEX "magento_orders_updated_idx" ON "magento_orders" USING btree ("remote_updated_at");--> statement-breakpoint
CREATE INDEX "magento_orders_email_idx" ON "magento_orders" USING btree ("customer_email");--> statement-breakpoint
CREATE INDEX "magento_orders_grand_total_idx" ON "magento_orders" USING btree ("grand_total");--> statement-breakpoint
CREATE INDEX "magento_orders_customer_idx" ON "magento_orders" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "magento_stores_channel_origin_key" ON "magento_stores" USING btree ("channel_id","origin_id");--> statement-breakpoint
CREATE INDEX "magento_stores_website_idx" ON "magento_stores" USING btree ("website_id");--> statement-breakpoint
CREATE UNIQUE INDEX "magento_websites_channel_origin_key" ON "magento_websites" USING btree ("channel_id","origin_id");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_idempotency_key" ON "outbox" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "outbox_entity_idx" ON "outbox" USING btree ("entity_type","entity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_checkpoints_channel_connector_mode_key" ON "sync_checkpoints" USING btree ("channel_id","connector","mode");--> statement-breakpoint
CREATE INDEX "sync_errors_run_idx" ON "sync_errors" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "sync_errors_channel_created_idx" ON "sync_errors" USING btree ("channel_id","created_at");--> statement-breakpoint
CREATE INDEX "sync_runs_channel_created_idx" ON "sync_runs" USING btree ("channel_id","created_at");--> statement-breakpoint
CREATE INDEX "sync_runs_status_idx" ON "sync_runs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_user_idx" ON "audit_log" USING btree ("user_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action","at");--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity_type","entity_id");