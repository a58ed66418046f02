ALTER TABLE "users" ADD COLUMN "one_time_password_issued_at" timestamp with time zone;--> statement-breakpoint
-- One-time passwords handed out before this release get their full lifetime from now.
UPDATE "users" SET "one_time_password_issued_at" = now() WHERE "must_change_password" AND "one_time_password_issued_at" IS NULL;--> statement-breakpoint
-- A user deactivated now keeps no session to come back to when reactivated.
UPDATE "users" SET "sessions_valid_after" = "deactivated_at" WHERE "deactivated_at" IS NOT NULL AND ("sessions_valid_after" IS NULL OR "sessions_valid_after" < "deactivated_at");
