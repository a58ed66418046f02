import { bigint, customType, integer, numeric, timestamp } from "drizzle-orm/pg-core";

// Shared column builders. Each call returns fresh builders (Drizzle binds a builder to one table).

/** A Postgres datemultirange, read back as its text ("{[2026-01-01,2026-01-03)}"). */
export const dateMultirange = customType<{ data: string; driverData: string }>({ dataType: () => "datemultirange" });

/** Exact money: numeric(20,4), read back as a decimal string. */
export const money = (name: string) => numeric(name, { precision: 20, scale: 4 });

/** Quantities can be fractional in Magento (qty 1.5 kg); same exactness as money. */
export const quantity = (name: string) => numeric(name, { precision: 20, scale: 4 });

export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const id = () => bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity();

/** Magento's own numeric ids (entity_id, item_id, …). */
export const originId = (name = "origin_id") => bigint(name, { mode: "number" });

/** Bookkeeping every synced row carries besides channel_id/origin_id. */
export const syncedTimes = () => ({
  remoteCreatedAt: timestamptz("remote_created_at"),
  remoteUpdatedAt: timestamptz("remote_updated_at"),
  syncedAt: timestamptz("synced_at").notNull().defaultNow(),
  // Deleted in Magento: flagged, never erased.
  removedAt: timestamptz("removed_at"),
});

export const createdUpdated = () => ({
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});

export const smallCount = (name: string) => integer(name).notNull().default(0);
