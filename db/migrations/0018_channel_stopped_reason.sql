ALTER TABLE "channels" ADD COLUMN "stopped_reason" text;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "stopped_at" timestamp with time zone;--> statement-breakpoint
-- Called by a sync upsert (lib/sync/write/upsert.ts, option refuseReplaced) for a row whose Magento
-- id is taken by a record created at another time: the statement stops, nothing is merged, and
-- the caller reads the details (JSON) from the error.
CREATE FUNCTION "sync_refuse_replaced_record"("record" text, "origin_id" bigint, "held" timestamptz, "incoming" timestamptz)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'Magento''s % % was created at %, the portal holds one created at %', "record", "origin_id", "incoming", "held"
    USING ERRCODE = 'MGRPL',
      DETAIL = json_build_object('record', "record", 'originId', "origin_id", 'held', extract(epoch FROM "held"), 'incoming', extract(epoch FROM "incoming"))::text;
END
$$;
