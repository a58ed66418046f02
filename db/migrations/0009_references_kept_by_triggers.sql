ALTER TABLE "magento_carts" DROP CONSTRAINT "magento_carts_order_id_magento_orders_id_fk";
--> statement-breakpoint
ALTER TABLE "magento_orders" DROP CONSTRAINT "magento_orders_cart_id_magento_carts_id_fk";
--> statement-breakpoint
ALTER TABLE "magento_orders" DROP CONSTRAINT "magento_orders_customer_id_magento_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "magento_orders" DROP CONSTRAINT "magento_orders_store_id_magento_stores_id_fk";
--> statement-breakpoint
-- What ON DELETE SET NULL did for these four references, once per statement.
CREATE OR REPLACE FUNCTION "magento_orders_delete_children"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "magento_order_items" i USING gone g WHERE i."order_id" = g."id";
  DELETE FROM "magento_order_addresses" a USING gone g WHERE a."order_id" = g."id";
  UPDATE "magento_carts" c SET "order_id" = NULL FROM gone g WHERE c."order_id" = g."id";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "magento_carts_delete_references"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "magento_orders" o SET "cart_id" = NULL FROM gone g WHERE o."cart_id" = g."id";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "magento_carts_delete_references" AFTER DELETE ON "magento_carts"
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION "magento_carts_delete_references"();
--> statement-breakpoint
CREATE FUNCTION "magento_customers_delete_references"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "magento_orders" o SET "customer_id" = NULL FROM gone g WHERE o."customer_id" = g."id";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "magento_customers_delete_references" AFTER DELETE ON "magento_customers"
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION "magento_customers_delete_references"();
--> statement-breakpoint
CREATE FUNCTION "magento_stores_delete_references"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "magento_orders" o SET "store_id" = NULL FROM gone g WHERE o."store_id" = g."id";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "magento_stores_delete_references" AFTER DELETE ON "magento_stores"
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION "magento_stores_delete_references"();
