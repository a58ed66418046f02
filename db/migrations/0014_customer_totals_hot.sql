DROP INDEX "magento_customers_ltv_idx";--> statement-breakpoint
-- Room on each page for a new row version: customer totals change after every orders page, and
-- with no index on them the update stays on its page (HOT) instead of touching all nine indexes.
ALTER TABLE "magento_customers" SET (fillfactor = 85);
