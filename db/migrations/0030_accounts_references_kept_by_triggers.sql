ALTER TABLE "account_emails" DROP CONSTRAINT "account_emails_account_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "magento_customers" DROP CONSTRAINT "magento_customers_account_id_accounts_id_fk";
--> statement-breakpoint
-- What the two foreign keys' ON DELETE did (CASCADE for the email claims, SET NULL for the
-- customers), once per statement instead of a check per row the sync inserts. A customer left
-- without an account is assigned again by the next sync. Deleting accounts others may still pick
-- (lib/sync/rules/accounts.ts, dropEmptiedAccounts) waits for the writers first.
CREATE FUNCTION "accounts_delete_references"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "account_emails" e USING gone g WHERE e."account_id" = g."id";
  UPDATE "magento_customers" c SET "account_id" = NULL FROM gone g WHERE c."account_id" = g."id";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "accounts_delete_references" AFTER DELETE ON "accounts"
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION "accounts_delete_references"();
