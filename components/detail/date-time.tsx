import { formatDateTime } from "@/lib/dates";

/** A moment in the viewer's time zone, with the exact UTC time on hover. */
export function DateTime({ value, timeZone }: { value: Date | null | undefined; timeZone: string }) {
  if (!value) return <span className="text-slate-400">—</span>;
  return (
    <time
      dateTime={value.toISOString()}
      title={`${value
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "")} UTC`}
    >
      {formatDateTime(value, timeZone)}
    </time>
  );
}
