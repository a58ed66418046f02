import { getDbHandle } from "@/db/client";
import { clientIp } from "@/lib/auth/client-ip";
import { refuseCrossSite } from "@/lib/http/origin";
import { can } from "@/lib/auth/permissions";
import { getSessionUser } from "@/lib/auth/session";
import { startCsvExport } from "@/lib/grid/export";
import type { SearchParams } from "@/lib/grid/params";
import { safeTimeZone } from "@/lib/dates";
import { gridById } from "@/lib/grid-registry";
import { zonedReportFilters } from "@/lib/periods/time-zones";
import { segmentParamCondition } from "@/lib/segments/apply";
import { getPreferences } from "@/lib/users/preferences";

// CSV export of a grid's current view: the grid's own URL query (filters, search, sort, channel),
// plus `ids=1,2,3` for a selection. GET for links; POST (same query, `ids` also in the form body)
// for selections too long for a URL. Errors are plain text: a download link must not redirect.

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ grid: string }> };

const plain = (status: number, text: string) =>
  new Response(text, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });

function searchParamsOf(url: URL, form: FormData | null): SearchParams {
  const params: Record<string, string | string[]> = {};
  const add = (key: string, value: string) => {
    const existing = params[key];
    params[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  };
  url.searchParams.forEach((value, key) => add(key, value));
  form?.forEach((value, key) => {
    if (typeof value === "string" && (key === "ids" || key === "columns")) add(key, value);
  });
  return params;
}

async function exportCsv(request: Request, context: Context, form: FormData | null): Promise<Response> {
  const user = await getSessionUser();
  if (!user) return plain(401, "Sign in to export.");
  if (!can(user.role, "view_sales")) return plain(403, "Your role does not allow exporting sales data.");
  const { grid } = await context.params;
  const definition = gridById(grid.replaceAll("-", "_"));
  if (!definition) return plain(404, "There is no such list to export.");
  // Some lists (the audit log) need more than view_sales.
  if (!can(user.role, definition.permission ?? "view_sales")) return plain(403, "Your role does not allow exporting this list.");

  const handle = await getDbHandle();
  const params = searchParamsOf(new URL(request.url), form);
  const preferences = await getPreferences(handle.db, user);
  // A saved segment narrows the export as it narrows the grid, if this user may use it.
  const segment = await segmentParamCondition(handle.db, user, definition, params, safeTimeZone(preferences.timeZone));
  if (!segment.ok) return plain(segment.status, segment.error);
  const result = startCsvExport({
    handle,
    user,
    definition,
    params,
    extra: segment.extra,
    timeZone: preferences.timeZone,
    savedColumns: preferences.grids[definition.id]?.columns ?? null,
    report: definition.report ? (await zonedReportFilters(handle.db, params)).filters : null,
    ip: clientIp(request.headers),
  });
  if (!result.ok) return plain(result.status, result.error);
  return new Response(result.stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${result.filename}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

export function GET(request: Request, context: Context): Promise<Response> {
  return exportCsv(request, context, null);
}

export async function POST(request: Request, context: Context): Promise<Response> {
  // Forms from other sites never export (the session cookie is SameSite=Lax too).
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  const form = await request.formData().catch(() => null);
  if (!form) return plain(400, "The export form could not be read.");
  return exportCsv(request, context, form);
}
