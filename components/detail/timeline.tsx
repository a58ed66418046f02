import Link from "next/link";
import { DateTime } from "./date-time";

export type TimelineEvent = { key: string; at: Date | null; title: string; detail?: string | null; href?: string | null };

/** Events newest first; a note at the end for what is not recorded yet. */
export function Timeline({ events, timeZone, note }: { events: TimelineEvent[]; timeZone: string; note?: string }) {
  const sorted = [...events].sort((a, b) => (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0));
  return (
    <div>
      <ol className="relative space-y-4 border-l border-slate-200 pl-5">
        {sorted.map((event) => (
          <li key={event.key} className="relative">
            <span aria-hidden className="absolute -left-[1.6rem] top-1.5 h-2.5 w-2.5 rounded-full bg-brand-600 ring-4 ring-white" />
            <p className="text-sm font-medium text-slate-900">
              {event.href ? (
                <Link href={event.href} className="text-brand-700 hover:underline">
                  {event.title}
                </Link>
              ) : (
                event.title
              )}
            </p>
            {event.detail ? <p className="text-sm text-slate-600">{event.detail}</p> : null}
            <p className="text-xs text-slate-500">
              <DateTime value={event.at} timeZone={timeZone} />
            </p>
          </li>
        ))}
      </ol>
      {note ? <p className="mt-4 rounded-md bg-slate-50 px-3 py-2 text-xs text-slate-600">{note}</p> : null}
    </div>
  );
}
