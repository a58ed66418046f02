ALTER TABLE "channels" ALTER COLUMN "sync_interval_minutes" SET DEFAULT 5;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "max_requests_per_second" integer DEFAULT 16 NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_max_requests_per_second_check" CHECK ("channels"."max_requests_per_second" between 1 and 100);