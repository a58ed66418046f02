import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { parseGridState } from "@/lib/grid/params";
import { gridWhere } from "@/lib/grid/sql";
import type { GridDefinition, SegmentEntity } from "@/lib/grid/types";
import { queryRows } from "@/db/rows";
import { firstValue, type SearchParams } from "@/lib/url-state";

// A saved segment as a condition on its grid: its filters are the grid's own URL state, so the
// grid's own parser and WHERE builder turn them into SQL (values bound), exactly as if the user had
// opened the grid with that URL. Only segments the user may see apply: their own and shared ones.

export type SegmentRow = {
  id: number;
  name: string;
  entity: SegmentEntity;
  filters: SearchParams;
  shared: boolean;
  ownerUserId: number;
  ownerName: string | null;
  createdAt: Date;
  updatedAt: Date;
};

type RawSegment = Record<string, unknown>;

export function toSegmentRow(raw: RawSegment): SegmentRow {
  const filters = typeof raw.filters === "string" ? (JSON.parse(raw.filters) as unknown) : raw.filters;
  return {
    id: Number(raw.id),
    name: String(raw.name),
    entity: raw.entity as SegmentEntity,
    filters: sanitizeFilters(filters),
    shared: raw.shared === true || raw.shared === "t",
    ownerUserId: Number(raw.owner_user_id),
    ownerName: raw.owner_name === null || raw.owner_name === undefined ? null : String(raw.owner_name),
    createdAt: new Date(String(raw.created_at instanceof Date ? raw.created_at.toISOString() : raw.created_at)),
    updatedAt: new Date(String(raw.updated_at instanceof Date ? raw.updated_at.toISOString() : raw.updated_at)),
  };
}

/** Stored filters are data: only string (or string list) values survive, whatever the JSON held. */
export function sanitizeFilters(value: unknown): SearchParams {
  const out: SearchParams = {};
  if (!value || typeof value !== "object" || Array.isArray(value)) return out;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === "string") out[key] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === "string")) out[key] = v as string[];
  }
  return out;
}

const SELECT = sql`SELECT s.id, s.name, s.entity, s.filters, s.shared, s.owner_user_id, u.name AS owner_name, s.created_at, s.updated_at
  FROM segments s LEFT JOIN users u ON u.id = s.owner_user_id`;

/** A segment the user may see (own or shared), else null: someone else's private one is "not found". */
export async function findVisibleSegment(db: Db, user: SessionUser | null, id: number): Promise<SegmentRow | null> {
  requirePermission(user, "view_sales");
  const [row] = await queryRows<RawSegment>(db, sql`${SELECT} WHERE s.id = ${id} AND (s.owner_user_id = ${user.id} OR s.shared)`);
  return row ? toSegmentRow(row) : null;
}

/** Every segment the user may see, of one entity or all, shared and own, by name. */
export async function listVisibleSegments(db: Db, user: SessionUser | null, entity?: SegmentEntity): Promise<SegmentRow[]> {
  requirePermission(user, "view_sales");
  const only = entity ? sql` AND s.entity = ${entity}` : sql``;
  const rows = await queryRows<RawSegment>(
    db,
    sql`${SELECT} WHERE (s.owner_user_id = ${user.id} OR s.shared)${only} ORDER BY lower(s.name), s.id`,
  );
  return rows.map(toSegmentRow);
}

export async function listSegmentOptions(db: Db, user: SessionUser | null, entity: SegmentEntity): Promise<{ id: number; name: string }[]> {
  return (await listVisibleSegments(db, user, entity)).map((s) => ({ id: s.id, name: s.shared ? s.name : `${s.name} (private)` }));
}

/** The WHERE condition of a segment's saved filters on its grid (page, sort and size play no part). */
export function segmentCondition(definition: GridDefinition, filters: SearchParams, timeZone = "UTC"): SQL {
  const { state } = parseGridState(definition, { ...filters, segment: undefined });
  return gridWhere(definition, { ...state, segmentId: null }, timeZone);
}

export type SegmentCondition = { ok: true; segment: SegmentRow; condition: SQL } | { ok: false; error: string };

/** `?segment=<id>` on a grid: the segment's condition, when this user may use it on this grid. */
export async function segmentConditionFor(
  db: Db,
  user: SessionUser,
  definition: GridDefinition,
  id: number,
  timeZone = "UTC",
): Promise<SegmentCondition> {
  const segment = await findVisibleSegment(db, user, id);
  if (!segment) return { ok: false, error: `There is no segment ${id} you can use; it was ignored.` };
  if (segment.entity !== definition.segmentEntity)
    return { ok: false, error: `The segment "${segment.name}" selects ${segment.entity}, not ${definition.noun}; it was ignored.` };
  return { ok: true, segment, condition: segmentCondition(definition, segment.filters, timeZone) };
}

/** For the export route: the segment of `params.segment` as extra conditions, or why not (400/404). */
export async function segmentParamCondition(
  db: Db,
  user: SessionUser,
  definition: GridDefinition,
  params: SearchParams,
  timeZone = "UTC",
): Promise<{ ok: true; extra: SQL[] } | { ok: false; status: 400 | 404; error: string }> {
  const raw = firstValue(params.segment);
  if (raw === undefined || raw === "") return { ok: true, extra: [] };
  if (!definition.segmentEntity || !/^\d{1,15}$/.test(raw))
    return { ok: false, status: 400, error: "This segment cannot narrow this list." };
  const result = await segmentConditionFor(db, user, definition, Number(raw), timeZone);
  if (!result.ok) return { ok: false, status: 404, error: result.error };
  return { ok: true, extra: [result.condition] };
}
