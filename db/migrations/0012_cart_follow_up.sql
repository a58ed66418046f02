CREATE TABLE "cart_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cart_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"cart_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" bigint,
	"actor" text NOT NULL,
	"kind" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"outcome" text,
	"note" text,
	"lost_reason" text,
	"assignee_user_id" bigint,
	CONSTRAINT "cart_events_kind_check" CHECK ("cart_events"."kind" in ('contact_call', 'contact_email', 'status', 'assignment')),
	CONSTRAINT "cart_events_lost_reason_check" CHECK ("cart_events"."lost_reason" is null or "cart_events"."lost_reason" in ('price', 'shipping_cost', 'out_of_stock', 'just_browsing', 'other'))
);
--> statement-breakpoint
CREATE TABLE "order_follow_ups" (
	"order_id" bigint PRIMARY KEY NOT NULL,
	"contacted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" bigint,
	"actor" text NOT NULL,
	"feedback" text NOT NULL,
	"note" text
);
--> statement-breakpoint
ALTER TABLE "magento_carts" DROP CONSTRAINT "magento_carts_status_check";--> statement-breakpoint
ALTER TABLE "cart_events" ADD CONSTRAINT "cart_events_cart_id_magento_carts_id_fk" FOREIGN KEY ("cart_id") REFERENCES "public"."magento_carts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cart_events" ADD CONSTRAINT "cart_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cart_events" ADD CONSTRAINT "cart_events_assignee_user_id_users_id_fk" FOREIGN KEY ("assignee_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_follow_ups" ADD CONSTRAINT "order_follow_ups_order_id_magento_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."magento_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_follow_ups" ADD CONSTRAINT "order_follow_ups_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cart_events_cart_idx" ON "cart_events" USING btree ("cart_id","at");--> statement-breakpoint
ALTER TABLE "magento_carts" ADD CONSTRAINT "magento_carts_status_check" CHECK ("magento_carts"."status" in ('open', 'contacted', 'expired', 'lost', 'converted', 'purchased'));