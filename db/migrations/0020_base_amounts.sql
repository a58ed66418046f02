ALTER TABLE "magento_carts" ADD COLUMN "global_currency_code" text;--> statement-breakpoint
ALTER TABLE "magento_carts" ADD COLUMN "base_to_global_rate" numeric(24, 12);--> statement-breakpoint
ALTER TABLE "magento_credit_memos" ADD COLUMN "base_subtotal" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "magento_credit_memos" ADD COLUMN "base_tax_amount" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "magento_credit_memos" ADD COLUMN "base_shipping_amount" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "magento_credit_memos" ADD COLUMN "base_discount_amount" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "magento_credit_memos" ADD COLUMN "base_adjustment" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "magento_credit_memos" ADD COLUMN "base_to_global_rate" numeric(24, 12);--> statement-breakpoint
ALTER TABLE "magento_credit_memos" ADD COLUMN "global_currency_code" text;--> statement-breakpoint
ALTER TABLE "magento_customers" ADD COLUMN "lifetime_currency_code" text;--> statement-breakpoint
ALTER TABLE "magento_customers" ADD COLUMN "lifetime_unconverted_orders" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "magento_order_items" ADD COLUMN "base_row_total" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "magento_order_items" ADD COLUMN "base_discount_amount" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "magento_order_items" ADD COLUMN "base_tax_amount" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "magento_orders" ADD COLUMN "base_subtotal" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "magento_orders" ADD COLUMN "base_discount_amount" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "magento_orders" ADD COLUMN "base_shipping_amount" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "magento_orders" ADD COLUMN "base_tax_amount" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "magento_orders" ADD COLUMN "base_total_refunded" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "magento_orders" ADD COLUMN "base_total_canceled" numeric(20, 4);--> statement-breakpoint
ALTER TABLE "magento_orders" ADD COLUMN "base_to_global_rate" numeric(24, 12);--> statement-breakpoint
-- Backfill (docs/sync.md "Base and global amounts"): rows synced before this migration have no base
-- amounts or rates. Forgetting the initial checkpoints of orders, credit memos and carts makes the
-- next sync of each channel walk those entities again from its start date; the upserts (by
-- channel_id + origin_id) fill the new columns of the rows already there, without duplicates.
DELETE FROM "sync_checkpoints" WHERE "mode" = 'initial' AND "connector" IN ('orders', 'credit_memos', 'carts');--> statement-breakpoint
-- Lifetime figures by the new rule (lib/sync/rules/ltv.ts): no order has base amounts yet, so every
-- counted order is unconverted and the values start at 0 in no currency until that sync.
UPDATE "magento_customers" SET "lifetime_value" = 0, "refunds_total" = 0, "lifetime_currency_code" = NULL,
  "lifetime_unconverted_orders" = "orders_count"
WHERE "orders_count" > 0 OR "lifetime_value" <> 0 OR "refunds_total" <> 0;
