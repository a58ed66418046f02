import { DATE_RANGE_CHOICES, DATE_RANGE_LABELS } from "@/lib/date-presets";
import { BUCKETS, type ReportFilters } from "@/lib/periods/filters";

// The dashboard's filters as a plain GET form: the URL holds them (shareable, bookmarkable, back
// button works) and the page needs no client code to apply them.

export function FilterBar({
  filters,
  channels,
  websites,
  action = "/dashboard",
  keep = {},
}: {
  filters: ReportFilters;
  channels: { id: number; name: string }[];
  websites: { id: number; name: string; channelId: number }[];
  action?: string;
  /** The page's own parameters that applying the filters keeps (the top widget's choice). */
  keep?: Record<string, string>;
}) {
  const visibleWebsites = filters.channelId === null ? websites : websites.filter((w) => w.channelId === filters.channelId);
  const field = "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900";
  return (
    <form
      method="get"
      action={action}
      className="mb-6 flex flex-wrap items-end gap-3 rounded-lg bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200"
      aria-label="Dashboard filters"
    >
      <label className="text-xs font-medium text-slate-700">
        Date range
        <select name="range" defaultValue={filters.preset} className={field}>
          {DATE_RANGE_CHOICES.map((p) => (
            <option key={p} value={p}>
              {DATE_RANGE_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
      <label className="text-xs font-medium text-slate-700">
        From <span className="font-normal text-slate-600">(custom)</span>
        <input type="date" name="from" defaultValue={filters.range.from} className={field} />
      </label>
      <label className="text-xs font-medium text-slate-700">
        To <span className="font-normal text-slate-600">(custom)</span>
        <input type="date" name="to" defaultValue={filters.range.to} className={field} />
      </label>
      <label className="text-xs font-medium text-slate-700">
        Channel
        <select name="channel" defaultValue={filters.channelId === null ? "" : String(filters.channelId)} className={field}>
          <option value="">All channels</option>
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label className="text-xs font-medium text-slate-700">
        Website
        <select name="website" defaultValue={filters.websiteId === null ? "" : String(filters.websiteId)} className={field}>
          <option value="">All websites</option>
          {visibleWebsites.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name}
            </option>
          ))}
        </select>
      </label>
      <label className="text-xs font-medium text-slate-700">
        Group by
        <select name="bucket" defaultValue={filters.bucketExplicit ? filters.bucket : ""} className={field}>
          <option value="">Automatic ({filters.bucket})</option>
          {BUCKETS.map((b) => (
            <option key={b} value={b}>
              {b[0]!.toUpperCase() + b.slice(1)}
            </option>
          ))}
        </select>
      </label>
      {Object.entries(keep).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className="rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-brand-700">
        Apply
      </button>
    </form>
  );
}
