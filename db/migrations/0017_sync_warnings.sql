CREATE TABLE "sync_warnings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sync_warnings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" bigint NOT NULL,
	"connector" text NOT NULL,
	"origin_id" text NOT NULL,
	"field" text NOT NULL,
	"message" text NOT NULL,
	"raw_value" jsonb,
	"first_run_id" bigint,
	"last_run_id" bigint,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sync_warnings" ADD CONSTRAINT "sync_warnings_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_warnings" ADD CONSTRAINT "sync_warnings_first_run_id_sync_runs_id_fk" FOREIGN KEY ("first_run_id") REFERENCES "public"."sync_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_warnings" ADD CONSTRAINT "sync_warnings_last_run_id_sync_runs_id_fk" FOREIGN KEY ("last_run_id") REFERENCES "public"."sync_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sync_warnings_record_field_key" ON "sync_warnings" USING btree ("channel_id","connector","origin_id","field");--> statement-breakpoint
CREATE INDEX "sync_warnings_first_run_idx" ON "sync_warnings" USING btree ("first_run_id");