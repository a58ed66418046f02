import { parseReportFilters, type ReportFilters, type SearchParamsInput } from "@/lib/reports/filters";

/**
 * The report filters of a URL, never throwing: a day that matches YYYY-MM-DD but does not exist
 * ("2024-13-45") currently makes the shared parser throw instead of falling back, so the custom
 * days are dropped and the default range applies, as for any other unreadable value.
 */
export function readReportFilters(params: SearchParamsInput, now?: Date): ReportFilters {
  try {
    return parseReportFilters(params, now);
  } catch {
    const rest = params instanceof URLSearchParams ? Object.fromEntries(params) : { ...params };
    return parseReportFilters({ ...rest, from: undefined, to: undefined, range: undefined }, now);
  }
}
