import { DATE_RANGE_CHOICES, DATE_RANGE_LABELS } from "@/lib/date-presets";
import { BUCKETS, type ReportFilters } from "@/lib/periods/filters";

// The reports' shared filters as a plain GET form: the URL holds them (lib/periods/filters.ts reads
// it), so a report view is a link, and the grid below keeps them in its own links and CSV export.

export type FilterOptions = {
  channels: { id: number; name: string }[];
  websites: { id: number; name: string; channelName: string }[];
};

const FIELD =
  "rounded-md border-0 bg-white py-1.5 pl-3 pr-8 text-sm text-slate-800 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500";
const BUCKET_LABELS = { day: "Days", week: "Weeks", month: "Months" } as const;

export function ReportFilterBar({
  action,
  filters,
  options,
  withBucket = false,
  withRange = true,
  keep = {},
}: {
  action: string;
  filters: ReportFilters;
  options: FilterOptions;
  withBucket?: boolean;
  /** False for all-time reports (lifetime value): only channel and website apply. */
  withRange?: boolean;
  /** Parameters of the page's own that applying the filters keeps (a report's view: by=account). */
  keep?: Record<string, string>;
}) {
  return (
    <form
      method="get"
      action={action}
      aria-label="Report filters"
      className="mb-4 flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
    >
      {withRange ? (
        <>
          <div className="flex flex-col gap-1">
            <label htmlFor="report-range" className="text-xs font-medium text-slate-600">
              Date range
            </label>
            <select id="report-range" name="range" defaultValue={filters.preset} className={FIELD}>
              {DATE_RANGE_CHOICES.map((p) => (
                <option key={p} value={p}>
                  {DATE_RANGE_LABELS[p]}
                </option>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="report-from" className="text-xs font-medium text-slate-600">
              From (custom)
            </label>
            <input id="report-from" type="date" name="from" defaultValue={filters.range.from} className={FIELD} />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="report-to" className="text-xs font-medium text-slate-600">
              To (custom)
            </label>
            <input id="report-to" type="date" name="to" defaultValue={filters.range.to} className={FIELD} />
          </div>
        </>
      ) : null}
      {withBucket ? (
        <div className="flex flex-col gap-1">
          <label htmlFor="report-bucket" className="text-xs font-medium text-slate-600">
            Group by
          </label>
          <select id="report-bucket" name="bucket" defaultValue={filters.bucketExplicit ? filters.bucket : ""} className={FIELD}>
            <option value="">Automatic ({BUCKET_LABELS[filters.bucket].toLowerCase()})</option>
            {BUCKETS.map((b) => (
              <option key={b} value={b}>
                {BUCKET_LABELS[b]}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="flex flex-col gap-1">
        <label htmlFor="report-channel" className="text-xs font-medium text-slate-600">
          Channel
        </label>
        <select id="report-channel" name="channel" defaultValue={filters.channelId ?? ""} className={FIELD}>
          <option value="">All channels</option>
          {options.channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="report-website" className="text-xs font-medium text-slate-600">
          Website
        </label>
        <select id="report-website" name="website" defaultValue={filters.websiteId ?? ""} className={FIELD}>
          <option value="">All websites</option>
          {options.websites.map((w) => (
            <option key={w.id} value={w.id}>
              {options.channels.length > 1 ? `${w.name} (${w.channelName})` : w.name}
            </option>
          ))}
        </select>
      </div>
      {Object.entries(keep).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button
        type="submit"
        className="rounded-md bg-brand-600 px-3.5 py-1.5 text-sm font-medium text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-brand-500"
      >
        Apply
      </button>
      {withRange ? (
        <p className="basis-full text-xs text-slate-500" data-testid="report-range">
          {filters.range.from} to {filters.range.to} (each store&apos;s own days)
        </p>
      ) : null}
    </form>
  );
}
