-- Customers › Accounts: saved segments may select accounts; the accounts grid's two sort orders; global search by a part of an account's email.
ALTER TABLE "segments" DROP CONSTRAINT "segments_entity_check";--> statement-breakpoint
CREATE INDEX "account_emails_email_trgm_idx" ON "account_emails" USING gin ("email" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "accounts_grid_last_order_idx" ON "accounts" USING btree ("last_order_at" DESC NULLS LAST,"id" DESC NULLS FIRST) WHERE "accounts"."merged_into_id" IS NULL;--> statement-breakpoint
CREATE INDEX "accounts_grid_lifetime_value_idx" ON "accounts" USING btree ("lifetime_value" DESC NULLS LAST,"id" DESC NULLS FIRST) WHERE "accounts"."merged_into_id" IS NULL;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_entity_check" CHECK ("segments"."entity" in ('customers', 'subscribers', 'carts', 'accounts'));