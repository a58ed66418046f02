import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { writeAudit } from "@/lib/audit/log";
import type { ActionResult, FieldErrors } from "@/lib/auth/action";
import { can } from "@/lib/auth/permissions";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { accountsGrid } from "@/lib/accounts/grid";
import { cartsGrid } from "@/lib/carts/grid";
import { customersGrid } from "@/lib/customers/grid";
import { subscribersGrid } from "@/lib/subscribers/grid";
import { gridQueryString, parseGridState } from "@/lib/grid/params";
import { COUNT_CAP, gridFrom } from "@/lib/grid/sql";
import type { GridDefinition, SegmentEntity } from "@/lib/grid/types";
import { queryRows } from "@/db/rows";
import { allValues, searchParamsOf, type SearchParams } from "@/lib/url-state";
import { findVisibleSegment, segmentCondition, type SegmentRow } from "./apply";

// Marketing segments: a name over a grid's own filter state (what its URL holds: search, channel and
// f_* filters), private to its owner or shared with the team. Everyone with view_sales may make
// and use them; the owner edits their own; people with manage_segments (managers, admins) also edit
// and delete shared ones. Nobody sees someone else's private segment, so it is "not found".

export const SEGMENT_ENTITY_GRIDS: Record<SegmentEntity, GridDefinition> = {
  customers: customersGrid,
  subscribers: subscribersGrid,
  carts: cartsGrid,
  accounts: accountsGrid,
};

export const SEGMENT_ENTITY_LABELS: Record<SegmentEntity, string> = {
  customers: "Customers",
  subscribers: "Newsletter subscribers",
  carts: "Shopping carts",
  accounts: "Accounts",
};

/** The grid page of an entity, where a segment is applied (`?segment=<id>`). */
export const SEGMENT_ENTITY_PATHS: Record<SegmentEntity, string> = {
  customers: "/customers",
  subscribers: "/marketing/subscribers",
  carts: "/sales/carts",
  accounts: "/customers/accounts",
};

const SAVED_KEYS = (key: string) => key === "q" || key === "channel" || key.startsWith("f_");

/**
 * A grid link or query ("/customers?f_subscribed=yes&f_lifetime_value=500..", "?…", "f_…=…") →
 * the filters to store, as the grid's own parser reads and writes them. Paging, sort, columns and
 * anything the grid would ignore are left out; a filter the grid cannot read is an error here.
 */
export function filtersFromQuery(entity: SegmentEntity, query: string): { ok: true; filters: SearchParams } | { ok: false; error: string } {
  const text = query.trim();
  const at = text.indexOf("?");
  const given = searchParamsOf(at >= 0 ? text.slice(at + 1) : text.includes("=") ? text : "");
  const params = Object.fromEntries(Object.entries(given).filter(([key]) => SAVED_KEYS(key)));
  const definition = SEGMENT_ENTITY_GRIDS[entity];
  const { state, notices } = parseGridState(definition, params);
  if (notices.length) return { ok: false, error: notices.map((n) => n.message).join(" ") };
  if (Object.keys(state.filters).length === 0 && !state.q && state.channelId === null) {
    return { ok: false, error: "Filter the list first: a segment without filters would be every row." };
  }
  // Written back by the grid's own serializer, so stored filters are always in its canonical form.
  const filters = searchParamsOf(
    gridQueryString(definition, { ...state, page: 1, pageSize: 50, sort: definition.defaultSort, segmentId: null, report: null }),
  );
  return { ok: true, filters };
}

/** The stored filters as the grid's query string (for "open in the grid" links). */
export function segmentQuery(segment: Pick<SegmentRow, "filters">): string {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(segment.filters)) for (const v of allValues(value)) out.append(key, v);
  return out.toString();
}

export const segmentInputSchema = z.object({
  name: z.string().trim().min(1, "Give the segment a name.").max(80, "At most 80 characters."),
  entity: z.enum(["customers", "subscribers", "carts", "accounts"]),
  query: z.string().trim().min(1, "Paste the filtered list's link, or save it from the list.").max(4_000, "That link is too long."),
  shared: z
    .union([z.literal("on"), z.literal("1"), z.literal("true"), z.literal("")])
    .optional()
    .transform((v) => v === "on" || v === "1" || v === "true"),
});
export type SegmentInput = z.infer<typeof segmentInputSchema>;

export function canEditSegment(user: SessionUser, segment: Pick<SegmentRow, "ownerUserId" | "shared">): boolean {
  return segment.ownerUserId === user.id || (segment.shared && can(user.role, "manage_segments"));
}

type Result = ActionResult<{ id: number }>;
const invalid = (error: string, fieldErrors?: FieldErrors): Result => ({ ok: false, code: "invalid", error, fieldErrors });

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === "23505" || e?.cause?.code === "23505";
}

/** Saves a new segment for `user` (view_sales is checked by the action; anyone may make their own). */
export async function createSegment(db: Db, user: SessionUser, input: SegmentInput, ip: string | null = null): Promise<Result> {
  const parsed = filtersFromQuery(input.entity, input.query);
  if (!parsed.ok) return invalid("The filters could not be saved.", { query: [parsed.error] });
  try {
    const [row] = await queryRows<{ id: unknown }>(
      db,
      sql`
      INSERT INTO segments (name, entity, filters, shared, owner_user_id)
      VALUES (${input.name}, ${input.entity}, ${JSON.stringify(parsed.filters)}::jsonb, ${input.shared}, ${user.id}) RETURNING id`,
    );
    const id = Number(row!.id);
    await writeAudit(db, {
      userId: user.id,
      actor: user.email,
      action: "segment.created",
      entityType: "segment",
      entityId: id,
      ip,
      details: { name: input.name, entity: input.entity, shared: input.shared, filters: parsed.filters },
    });
    return { ok: true, message: `Segment "${input.name}" saved.`, data: { id } };
  } catch (error) {
    if (isUniqueViolation(error))
      return invalid("You already have a segment with this name.", { name: ["You already have a segment with this name."] });
    throw error;
  }
}

/** Changes a segment the user may edit (owner, or manage_segments for a shared one). */
export async function updateSegment(db: Db, user: SessionUser, id: number, input: SegmentInput, ip: string | null = null): Promise<Result> {
  const segment = await findVisibleSegment(db, user, id);
  if (!segment) return { ok: false, code: "invalid", error: "There is no such segment." };
  if (!canEditSegment(user, segment))
    return { ok: false, code: "forbidden", error: "Only its owner, a manager or an administrator can change this segment." };
  if (input.entity !== segment.entity)
    return invalid("A segment keeps what it selects; save a new one for another list.", { entity: ["Cannot change."] });
  const parsed = filtersFromQuery(input.entity, input.query);
  if (!parsed.ok) return invalid("The filters could not be saved.", { query: [parsed.error] });
  // Someone else's shared segment stays shared: making it private would hide it from its owner's team.
  const shared = segment.ownerUserId === user.id ? input.shared : segment.shared;
  try {
    await db.execute(sql`
      UPDATE segments SET name = ${input.name}, filters = ${JSON.stringify(parsed.filters)}::jsonb, shared = ${shared}, updated_at = now()
      WHERE id = ${id}`);
  } catch (error) {
    if (isUniqueViolation(error))
      return invalid("The owner already has a segment with this name.", { name: ["The owner already has a segment with this name."] });
    throw error;
  }
  await writeAudit(db, {
    userId: user.id,
    actor: user.email,
    action: "segment.updated",
    entityType: "segment",
    entityId: id,
    ip,
    details: { name: { from: segment.name, to: input.name }, shared: { from: segment.shared, to: shared }, filters: parsed.filters },
  });
  return { ok: true, message: `Segment "${input.name}" saved.`, data: { id } };
}

export async function deleteSegment(db: Db, user: SessionUser, id: number, ip: string | null = null): Promise<Result> {
  const segment = await findVisibleSegment(db, user, id);
  if (!segment) return { ok: false, code: "invalid", error: "There is no such segment." };
  if (!canEditSegment(user, segment))
    return { ok: false, code: "forbidden", error: "Only its owner, a manager or an administrator can delete this segment." };
  await db.execute(sql`DELETE FROM segments WHERE id = ${id}`);
  await writeAudit(db, {
    userId: user.id,
    actor: user.email,
    action: "segment.deleted",
    entityType: "segment",
    entityId: id,
    ip,
    details: { name: segment.name, entity: segment.entity },
  });
  return { ok: true, message: `Segment "${segment.name}" deleted.`, data: { id } };
}

/** Rows a segment selects now (live), capped like grid counts. */
export async function countSegment(
  db: Db,
  user: SessionUser | null,
  segment: Pick<SegmentRow, "entity" | "filters">,
): Promise<{ count: number; capped: boolean }> {
  requirePermission(user, "view_sales");
  const definition = SEGMENT_ENTITY_GRIDS[segment.entity];
  const [row] = await queryRows<{ n: unknown }>(
    db,
    sql`
    SELECT count(*) AS n FROM (SELECT 1 FROM ${gridFrom(definition, {})} WHERE ${segmentCondition(definition, segment.filters)} LIMIT ${COUNT_CAP + 1}) capped`,
  );
  const n = Number(row?.n ?? 0);
  return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
}
