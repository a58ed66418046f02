-- Errors recorded before db/errors.ts could hold Drizzle's "Failed query: <sql> params: <values>",
-- that is a page of customers' data. As scrubErrorText does now: keep what came before that text,
-- withhold the rest.
UPDATE "sync_runs"
SET "error_message" = split_part("error_message", 'Failed query:', 1) || 'a database query failed (details withheld)'
WHERE "error_message" LIKE '%Failed query:%';
--> statement-breakpoint
UPDATE "sync_errors"
SET "message" = split_part("message", 'Failed query:', 1) || 'a database query failed (details withheld)'
WHERE "message" LIKE '%Failed query:%';
--> statement-breakpoint
UPDATE "outbox"
SET "last_error" = split_part("last_error", 'Failed query:', 1) || 'a database query failed (details withheld)'
WHERE "last_error" LIKE '%Failed query:%';
