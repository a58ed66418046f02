import { formatDateTime } from "@/lib/dates";

/** Why the sync switched a channel off (channels.stopped_reason), shown until it is switched on again. */
export function StoppedNotice({ reason, at, timeZone = "UTC" }: { reason: string; at: Date | null; timeZone?: string }) {
  return (
    <div role="alert" data-testid="channel-stopped" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
      <p className="font-medium">
        The sync stopped this channel{at ? ` on ${formatDateTime(at, timeZone)}` : ""}. It stays inactive (no scheduled syncs) until it is
        switched on again in its settings.
      </p>
      <p className="mt-1">{reason}</p>
    </div>
  );
}
