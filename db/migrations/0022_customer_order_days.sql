ALTER TABLE "magento_customers" ADD COLUMN "order_days" datemultirange DEFAULT '{}'::datemultirange NOT NULL;--> statement-breakpoint
-- Issue 16 (hand-written): every customer's order days now, as lib/sync/rules/ltv.ts keeps them.
UPDATE "magento_customers" c SET "order_days" = d.days
FROM (
  SELECT o.customer_id, range_agg(daterange(x.day, x.day, '[]')) AS days
  FROM "magento_orders" o
  LEFT JOIN "magento_stores" s ON s.id = o.store_id
  CROSS JOIN LATERAL (SELECT (o.remote_created_at AT TIME ZONE coalesce(s.timezone, 'UTC'))::date AS day) x
  WHERE o.customer_id IS NOT NULL AND o.state <> 'canceled' AND o.removed_at IS NULL AND o.remote_created_at IS NOT NULL
  GROUP BY o.customer_id
) d
WHERE d.customer_id = c.id;
