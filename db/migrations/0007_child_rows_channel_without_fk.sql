ALTER TABLE "magento_cart_items" DROP CONSTRAINT "magento_cart_items_channel_id_channels_id_fk";
--> statement-breakpoint
ALTER TABLE "magento_credit_memo_items" DROP CONSTRAINT "magento_credit_memo_items_channel_id_channels_id_fk";
--> statement-breakpoint
ALTER TABLE "magento_customer_addresses" DROP CONSTRAINT "magento_customer_addresses_channel_id_channels_id_fk";
--> statement-breakpoint
ALTER TABLE "magento_order_addresses" DROP CONSTRAINT "magento_order_addresses_channel_id_channels_id_fk";
--> statement-breakpoint
ALTER TABLE "magento_order_items" DROP CONSTRAINT "magento_order_items_channel_id_channels_id_fk";
