DROP INDEX "magento_carts_email_idx";--> statement-breakpoint
DROP INDEX "magento_orders_email_idx";--> statement-breakpoint
DROP INDEX "magento_carts_updated_idx";--> statement-breakpoint
DROP INDEX "magento_carts_grand_total_idx";--> statement-breakpoint
DROP INDEX "magento_credit_memos_created_idx";--> statement-breakpoint
DROP INDEX "magento_customers_created_idx";--> statement-breakpoint
DROP INDEX "magento_newsletter_subscribers_changed_idx";--> statement-breakpoint
DROP INDEX "magento_orders_created_idx";--> statement-breakpoint
DROP INDEX "magento_orders_updated_idx";--> statement-breakpoint
DROP INDEX "magento_orders_grand_total_idx";--> statement-breakpoint
DROP INDEX "magento_orders_customer_idx";--> statement-breakpoint
CREATE INDEX "magento_carts_email_prefix_idx" ON "magento_carts" USING btree (lower("customer_email") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "magento_customers_email_prefix_idx" ON "magento_customers" USING btree (lower("email") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "magento_orders_status_created_idx" ON "magento_orders" USING btree ("status","remote_created_at" DESC NULLS LAST,"id" DESC NULLS FIRST,"removed_at","store_id","cart_id");--> statement-breakpoint
CREATE INDEX "magento_orders_email_prefix_idx" ON "magento_orders" USING btree (lower("customer_email") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "magento_orders_increment_prefix_idx" ON "magento_orders" USING btree (lower("increment_id") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "magento_carts_updated_idx" ON "magento_carts" USING btree ("remote_updated_at" DESC NULLS LAST,"id" DESC NULLS FIRST,"removed_at","store_id","assignee_user_id");--> statement-breakpoint
CREATE INDEX "magento_carts_grand_total_idx" ON "magento_carts" USING btree ("grand_total" DESC NULLS LAST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "magento_credit_memos_created_idx" ON "magento_credit_memos" USING btree ("remote_created_at" DESC NULLS LAST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "magento_customers_created_idx" ON "magento_customers" USING btree ("remote_created_at" DESC NULLS LAST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "magento_newsletter_subscribers_changed_idx" ON "magento_newsletter_subscribers" USING btree ("changed_at" DESC NULLS LAST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "magento_orders_created_idx" ON "magento_orders" USING btree ("remote_created_at" DESC NULLS LAST,"id" DESC NULLS FIRST,"removed_at","store_id","cart_id");--> statement-breakpoint
CREATE INDEX "magento_orders_updated_idx" ON "magento_orders" USING btree ("remote_updated_at" DESC NULLS LAST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "magento_orders_grand_total_idx" ON "magento_orders" USING btree ("grand_total" DESC NULLS LAST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "magento_orders_customer_idx" ON "magento_orders" USING btree ("customer_id","remote_created_at" DESC NULLS LAST,"id" DESC NULLS FIRST);