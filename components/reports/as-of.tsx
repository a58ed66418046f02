import { formatDateTime } from "@/lib/dates";

/** "Data as of …": when the figures were last refreshed (or synced, for live reports). */
export function AsOf({ at, what, timeZone }: { at: Date | null; what: string; timeZone: string }) {
  return (
    <p className="mb-4 text-sm text-slate-600" data-testid="as-of">
      {at ? (
        <>
          {what} as of <time dateTime={at.toISOString()}>{formatDateTime(at, timeZone)}</time>.
        </>
      ) : (
        <>{what}: not refreshed yet (after the first sync).</>
      )}
    </p>
  );
}
