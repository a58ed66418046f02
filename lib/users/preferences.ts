import "server-only";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { PAGE_SIZES, type GridId } from "@/lib/grid/types";

// Per-user UI state kept in users.preferences (jsonb): the time zone dates are shown in and, per
// grid, the chosen columns (in order) and page size. Read leniently: anything malformed is dropped.

const gridPreferenceSchema = z.object({
  columns: z
    .array(z.string().regex(/^[a-z][a-z0-9_]*$/))
    .max(60)
    .optional(),
  pageSize: z
    .number()
    .int()
    .refine((n) => (PAGE_SIZES as readonly number[]).includes(n))
    .optional(),
});
export type GridPreference = z.infer<typeof gridPreferenceSchema>;

export type UserPreferences = { timeZone: string | null; grids: Partial<Record<GridId, GridPreference>> };

export function readPreferences(raw: unknown): UserPreferences {
  const record = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const timeZone = typeof record.timeZone === "string" && record.timeZone.length <= 64 ? record.timeZone : null;
  const grids: UserPreferences["grids"] = {};
  const rawGrids = record.grids && typeof record.grids === "object" ? (record.grids as Record<string, unknown>) : {};
  for (const [id, value] of Object.entries(rawGrids)) {
    const parsed = gridPreferenceSchema.safeParse(value);
    if (parsed.success) grids[id as GridId] = parsed.data;
  }
  return { timeZone, grids };
}

/** The signed-in user's own preferences (every role may read its own: view_sales, like Your settings). */
export async function getPreferences(db: Db, user: SessionUser | null): Promise<UserPreferences> {
  requirePermission(user, "view_sales");
  const [row] = await db.select({ preferences: users.preferences }).from(users).where(eq(users.id, user.id));
  return readPreferences(row?.preferences);
}

/** Replaces one grid's preference (atomic jsonb update: two tabs saving at once lose nothing else). */
export async function saveGridPreference(db: Db, userId: number, gridId: GridId, preference: GridPreference): Promise<void> {
  const value = gridPreferenceSchema.parse(preference);
  await db
    .update(users)
    .set({
      preferences: sql`jsonb_set(coalesce(${users.preferences}, '{}'::jsonb) || jsonb_build_object('grids', coalesce(${users.preferences}->'grids', '{}'::jsonb)), ARRAY['grids', ${gridId}]::text[], ${JSON.stringify(value)}::jsonb)`,
    })
    .where(eq(users.id, userId));
}

export async function saveTimeZone(db: Db, userId: number, timeZone: string | null): Promise<void> {
  await db
    .update(users)
    .set({ preferences: sql`coalesce(${users.preferences}, '{}'::jsonb) || jsonb_build_object('timeZone', ${timeZone}::text)` })
    .where(eq(users.id, userId));
}
