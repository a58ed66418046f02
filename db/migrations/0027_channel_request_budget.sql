ALTER TABLE "channels" ADD COLUMN "max_requests_in_flight" integer DEFAULT 6 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "request_budget" jsonb;--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_max_requests_in_flight_check" CHECK ("channels"."max_requests_in_flight" between 1 and 32);