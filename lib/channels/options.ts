import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";

// The channels a filter offers (grids, reports): every channel not being deleted, by name. Callers
// check the reader's permission for the page the filter is on.

export type ChannelOption = { id: number; name: string };

export async function listChannels(db: Db): Promise<ChannelOption[]> {
  const rows = await queryRows<{ id: unknown; name: unknown }>(
    db,
    sql`SELECT id, name FROM channels WHERE deleting_at IS NULL ORDER BY name, id`,
  );
  return rows.map((r) => ({ id: Number(r.id), name: String(r.name) }));
}
