import type { Filter, SearchCriteria } from "@/lib/magento/search-criteria";
import type { UpdatedWindow } from "@/lib/sync/types";

// Keyset paging over (updated_at, id) inside an updated_at window.
//
// Paging by page number is wrong while Magento changes underneath: a record edited mid-walk moves
// to the end of the sort order and every later record shifts one place up, so one record is never
// fetched. Instead every request asks for page 1 *from the last record seen*. Magento's filters
// cannot say "(updated_at > T) OR (updated_at = T AND id > I)" (AND inside an OR group), so:
//   - `from`:  updated_at >= T, dropping the ids already written at exactly T (fewer than a page);
//   - `tie`:   updated_at = T AND id > I, sorted by id: only when a whole page shares one timestamp
//              (bulk imports do that), where `from` could not make progress;
//   - `after`: updated_at > T, when a tie is exhausted.
// Each request returns at least one new record until the window is exhausted, and a record edited
// mid-walk is either met later in this walk or (when it left the window) by the next incremental run.

export type KeysetCursor =
  { kind: "from"; at: string; ids: string[] } | { kind: "tie"; at: string; afterId: string } | { kind: "after"; at: string };

/** One received record's sort key: Magento's "YYYY-MM-DD HH:MM:SS" and its id (null when unreadable). */
export interface RecordKey {
  at: string | null;
  id: string | null;
}

/** Magento's "YYYY-MM-DD HH:MM:SS" in UTC. */
export function magentoTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

const MAGENTO_DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** A record's key from a parsed record (Date) or a raw one (string), for cursors. */
export function recordKey(updatedAt: unknown, id: unknown): RecordKey {
  let at: string | null = null;
  if (updatedAt instanceof Date && !Number.isNaN(updatedAt.getTime())) at = magentoTime(updatedAt);
  else if (typeof updatedAt === "string" && MAGENTO_DATETIME.test(updatedAt)) at = updatedAt;
  const readableId = typeof id === "number" || (typeof id === "string" && id !== "") ? String(id) : null;
  return { at, id: readableId };
}

/** The searchCriteria of the next keyset page of a window (always page 1). */
export function keysetCriteria(
  window: UpdatedWindow,
  cursor: KeysetCursor | null,
  pageSize: number,
  idField = "entity_id",
): SearchCriteria {
  const groups: Filter[][] = [];
  let sortOrders: SearchCriteria["sortOrders"] = [
    { field: "updated_at", direction: "ASC" },
    { field: idField, direction: "ASC" },
  ];
  if (!cursor) {
    if (window.from) groups.push([{ field: "updated_at", conditionType: "gteq", value: magentoTime(window.from) }]);
  } else if (cursor.kind === "from") {
    groups.push([{ field: "updated_at", conditionType: "gteq", value: cursor.at }]);
  } else if (cursor.kind === "after") {
    groups.push([{ field: "updated_at", conditionType: "gt", value: cursor.at }]);
  } else {
    groups.push([{ field: "updated_at", conditionType: "eq", value: cursor.at }]);
    groups.push([{ field: idField, conditionType: "gt", value: cursor.afterId }]);
    sortOrders = [{ field: idField, direction: "ASC" }];
  }
  if (window.to) groups.push([{ field: "updated_at", conditionType: "lt", value: magentoTime(window.to) }]);
  return { filterGroups: groups, sortOrders, pageSize, currentPage: 1 };
}

/** Whether a received record was already written under `cursor` (dropped from the page). */
export function alreadySeen(cursor: KeysetCursor | null, key: RecordKey): boolean {
  return cursor?.kind === "from" && key.at === cursor.at && key.id !== null && cursor.ids.includes(key.id);
}

function compareIds(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A full page that brought nothing past the cursor: Magento answered without applying the
 * filters (an extension overriding the list, a proxy dropping the query string), and asking
 * again would return the same page forever.
 */
export class KeysetStalledError extends Error {
  constructor(what: string, cursor: KeysetCursor, received: number) {
    const where =
      cursor.kind === "tie"
        ? `updated at ${cursor.at} after id ${cursor.afterId}`
        : cursor.kind === "after"
          ? `updated after ${cursor.at}`
          : `updated from ${cursor.at} on`;
    super(
      `Magento ignored the updated_at filter: asked for ${what} ${where}, it sent ${received} ${what}, none of them past that point ` +
        `(the same page again). The sync stopped instead of asking forever. Check that the store's REST search honours ` +
        `searchCriteria filters (an extension or a proxy may be overriding or stripping them), then sync again.`,
    );
    this.name = "KeysetStalledError";
  }
}

/** Whether a page holds a record past the cursor (one a filter-honouring Magento would send next). */
function movesPast(cursor: KeysetCursor, keys: readonly RecordKey[]): boolean {
  return keys.some((key) => {
    if (cursor.kind === "tie")
      return (key.at === null || key.at === cursor.at) && key.id !== null && compareIds(key.id, cursor.afterId) > 0;
    if (key.at === null) return false;
    if (cursor.kind === "after") return key.at > cursor.at;
    return key.at > cursor.at || (key.at === cursor.at && key.id !== null && !cursor.ids.includes(key.id));
  });
}

/**
 * The cursor after a page, from the keys of every record received (in Magento's order, dropped
 * and invalid ones included), and whether the window is exhausted. Throws KeysetStalledError on
 * a full page with nothing past the cursor. `what` names the records in that error ("orders").
 */
export function advanceCursor(
  cursor: KeysetCursor | null,
  keys: readonly RecordKey[],
  pageSize: number,
  totalCount: number | null,
  what = "records",
): { cursor: KeysetCursor | null; done: boolean } {
  const exhausted = keys.length < pageSize || (totalCount !== null && totalCount <= keys.length);
  if (cursor && !exhausted && !movesPast(cursor, keys)) throw new KeysetStalledError(what, cursor, keys.length);
  if (cursor?.kind === "tie") {
    const lastId = [...keys].reverse().find((k) => k.id !== null)?.id;
    if (exhausted || !lastId) return { cursor: { kind: "after", at: cursor.at }, done: false };
    return { cursor: { ...cursor, afterId: lastId }, done: false };
  }
  const last = [...keys].reverse().find((k) => k.at !== null);
  if (!last || last.at === null) {
    // No readable updated_at on a whole page: asking again would return the same page forever.
    if (!exhausted) throw new Error("A full page of records without a readable updated_at: cannot page past it.");
    return { cursor, done: true };
  }
  const at = last.at;
  const ids = new Set(cursor?.kind === "from" && cursor.at === at ? cursor.ids : []);
  for (const key of keys) if (key.at === at && key.id !== null) ids.add(key.id);
  if (!exhausted && ids.size >= pageSize) {
    const afterId = [...ids].sort(compareIds).at(-1)!;
    return { cursor: { kind: "tie", at, afterId }, done: false };
  }
  return { cursor: { kind: "from", at, ids: [...ids] }, done: exhausted };
}

export function isKeysetCursor(value: unknown): value is KeysetCursor {
  if (!value || typeof value !== "object") return false;
  const c = value as Record<string, unknown>;
  if (typeof c.at !== "string") return false;
  if (c.kind === "from") return Array.isArray(c.ids) && c.ids.every((id) => typeof id === "string");
  if (c.kind === "tie") return typeof c.afterId === "string";
  return c.kind === "after";
}
