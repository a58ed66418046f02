import { bigint, index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { id, timestamptz } from "./columns";

/** Who did what, when; old → new values in `details`. Rows are never updated. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: id(),
    at: timestamptz("at").notNull().defaultNow(),
    userId: bigint("user_id", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    // Kept as text so the entry still names the person after the user is gone.
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    entityType: text("entity_type"),
    entityId: text("entity_id"),
    channelId: bigint("channel_id", { mode: "number" }),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    ip: text("ip"),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at),
    index("audit_log_user_idx").on(t.userId, t.at),
    index("audit_log_action_idx").on(t.action, t.at),
    index("audit_log_entity_idx").on(t.entityType, t.entityId),
  ],
);
