import { gridQueryString, parseGridState } from "@/lib/grid/params";
import type { GridDefinition, GridState } from "@/lib/grid/types";
import { firstValue, searchParamsOf } from "@/lib/url-state";

// A detail page's way back to its grid: `?back=<url-encoded grid query>`. The value is user input,
// so it is read only as a query string for that grid (through parseGridState) and written out
// again from the parsed state: never a URL, never a path, nothing the grid would not accept.

const MAX_BACK = 2000;

export interface BackLink {
  /** The grid's state the user came from (defaults when none or unreadable). */
  state: GridState;
  /** Canonical query of that state ("" or "?…"), safe to append to the grid's path. */
  query: string;
  /** The grid's path with that query. */
  href: string;
  /** `?back=…` to carry on to another detail page of the same grid ("" for the default view). */
  carry: string;
}

export function readBackLink(definition: GridDefinition, gridPath: string, raw: string | string[] | undefined): BackLink {
  const text = firstValue(raw) ?? "";
  // Read as a bare query only; whatever it holds, only what parseGridState accepts is written back.
  const { state } = parseGridState(definition, text.length <= MAX_BACK ? searchParamsOf(text) : {});
  const query = gridQueryString(definition, state);
  return { state, query, href: `${gridPath}${query}`, carry: query ? `?back=${encodeURIComponent(query.slice(1))}` : "" };
}
