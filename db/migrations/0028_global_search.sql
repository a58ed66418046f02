-- Global search (lib/search): pg_trgm for contains-matches. PGlite loads the extension's files in db/client.ts.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "magento_carts_origin_idx" ON "magento_carts" USING btree ("origin_id");--> statement-breakpoint
CREATE INDEX "magento_carts_email_trgm_idx" ON "magento_carts" USING gin (lower("customer_email") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "magento_credit_memos_increment_idx" ON "magento_credit_memos" USING btree (lower("increment_id") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "magento_credit_memos_increment_trgm_idx" ON "magento_credit_memos" USING gin (lower("increment_id") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "magento_customer_addresses_company_trgm_idx" ON "magento_customer_addresses" USING gin (lower("company") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "magento_customer_addresses_phone_trgm_idx" ON "magento_customer_addresses" USING gin (regexp_replace("telephone", '[^0-9]', '', 'g') gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "magento_customers_name_trgm_idx" ON "magento_customers" USING gin (lower(coalesce("first_name", '') || ' ' || coalesce("last_name", '')) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "magento_customers_email_trgm_idx" ON "magento_customers" USING gin (lower("email") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "magento_newsletter_subscribers_email_trgm_idx" ON "magento_newsletter_subscribers" USING gin (lower("email") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "magento_orders_increment_trgm_idx" ON "magento_orders" USING gin (lower("increment_id") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "magento_orders_email_trgm_idx" ON "magento_orders" USING gin (lower("customer_email") gin_trgm_ops);