import "server-only";
import type { Db } from "@/db/client";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { gridNeighbors } from "@/lib/grid/neighbors";
import type { SearchParams } from "@/lib/grid/params";
import { safeTimeZone } from "@/lib/dates";
import type { GridDefinition } from "@/lib/grid/types";
import { segmentConditionFor } from "@/lib/segments/apply";
import { getPreferences } from "@/lib/users/preferences";
import { readBackLink, type BackLink } from "./back-link";

// What a detail page needs around its record: the viewer's time zone, the way back to the grid
// (its filters kept) and prev / next through the grid's result set, links carrying `back` along.

export interface DetailNavigation {
  timeZone: string;
  back: BackLink;
  nav: {
    previousHref: string | null;
    nextHref: string | null;
    position: number | null;
    total: number;
    /** Position / total stopped at COUNT_CAP (shown as "10,000+"). */
    positionCapped: boolean;
    totalCapped: boolean;
    noun: string;
  };
}

export async function detailNavigation(
  db: Db,
  user: SessionUser | null,
  definition: GridDefinition,
  gridPath: string,
  id: number,
  searchParams: SearchParams,
): Promise<DetailNavigation> {
  requirePermission(user, "view_sales");
  const timeZone = safeTimeZone((await getPreferences(db, user)).timeZone);
  const back = readBackLink(definition, gridPath, searchParams.back);
  // A grid narrowed by a saved segment: prev / next walk the segment's rows too (a segment the
  // viewer can no longer use is ignored here as the grid ignores it).
  const segment =
    back.state.segmentId && definition.segmentEntity
      ? await segmentConditionFor(db, user, definition, back.state.segmentId, timeZone)
      : null;
  const neighbors = await gridNeighbors(db, definition, back.state, id, timeZone, { extra: segment?.ok ? [segment.condition] : [] });
  const href = (target: string | null) =>
    target === null ? null : `${definition.detailPath?.(target) ?? `${gridPath}/${target}`}${back.carry}`;
  return {
    timeZone,
    back,
    nav: {
      previousHref: href(neighbors.previousId),
      nextHref: href(neighbors.nextId),
      position: neighbors.position,
      total: neighbors.total,
      positionCapped: neighbors.positionCapped === true,
      totalCapped: neighbors.totalCapped === true,
      noun: definition.noun,
    },
  };
}
