ALTER TABLE "magento_order_addresses" DROP CONSTRAINT "magento_order_addresses_order_id_magento_orders_id_fk";
--> statement-breakpoint
ALTER TABLE "magento_order_items" DROP CONSTRAINT "magento_order_items_order_id_magento_orders_id_fk";
--> statement-breakpoint
DROP INDEX "magento_orders_status_idx";--> statement-breakpoint
DROP INDEX "magento_orders_state_idx";--> statement-breakpoint
-- Order items and addresses go with their order (what ON DELETE CASCADE did), once per statement.
CREATE FUNCTION "magento_orders_delete_children"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "magento_order_items" i USING gone g WHERE i."order_id" = g."id";
  DELETE FROM "magento_order_addresses" a USING gone g WHERE a."order_id" = g."id";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "magento_orders_delete_children" AFTER DELETE ON "magento_orders"
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION "magento_orders_delete_children"();
