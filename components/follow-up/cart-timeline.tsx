import { DateTime } from "@/components/detail/date-time";
import type { CartTimelineEntry } from "@/lib/carts/follow-up";

// The cart's follow-up timeline: who, when, from → to, and what was said. Newest first.

const KIND_TITLES: Record<string, string> = {
  contact_call: "Phone call",
  contact_email: "Email",
  status: "Status changed",
  assignment: "Assignment",
};

export function CartFollowUpTimeline({ entries, timeZone }: { entries: CartTimelineEntry[]; timeZone: string }) {
  if (!entries.length)
    return <p className="text-sm text-slate-500">No follow-up yet: nobody has contacted this customer about the cart.</p>;
  return (
    <ol className="space-y-4" aria-label="Follow-up timeline">
      {entries.map((e) => (
        <li key={e.id} className="rounded-md bg-slate-50 px-3 py-2 text-sm">
          <p className="font-medium text-slate-900">
            {KIND_TITLES[e.kind] ?? e.kind}
            {e.kind === "assignment" ? (
              <> → {e.assignee ?? "nobody"}</>
            ) : e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus ? (
              <>
                : {e.fromStatus} → {e.toStatus}
              </>
            ) : null}
          </p>
          {e.outcome ? (
            <p className="text-slate-700">
              {e.lostReason ? "Reason: " : "Outcome: "}
              {e.outcome}
            </p>
          ) : null}
          {e.note ? <p className="whitespace-pre-line text-slate-600">{e.note}</p> : null}
          <p className="text-xs text-slate-500">
            {e.actor} · <DateTime value={e.at} timeZone={timeZone} />
          </p>
        </li>
      ))}
    </ol>
  );
}
