import type { ScopeTimeZone } from "@/lib/periods/time-zones";

// Which calendar days the figures below count on: each store's own (Magento's store time zone),
// with "today" and the date presets read in one of them when a view spans several.

const list = (items: string[]) => new Intl.ListFormat("en", { type: "conjunction" }).format(items);

export function StoreDaysNote({ zone }: { zone: ScopeTimeZone }) {
  const text =
    zone.zones.length > 1
      ? `Stores in this view keep different time zones (${list(zone.zones)}): each store's orders count on its own calendar days. “Today” and the date presets follow ${zone.zone}, the zone of ${zone.storeName ?? "the first store"}.`
      : zone.storeName === null
        ? "Days are UTC days until the stores' time zone is synced from Magento."
        : `Days are the stores' own calendar days (${zone.zone}), as in Magento admin's reports.`;
  return (
    <p className="mb-4 text-xs text-slate-600" data-testid="store-days-note">
      {text}
    </p>
  );
}
