-- Saved segments can select accounts (Customers › Accounts).
ALTER TABLE "segments" DROP CONSTRAINT "segments_entity_check";--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_entity_check" CHECK ("segments"."entity" in ('customers', 'subscribers', 'carts', 'accounts'));