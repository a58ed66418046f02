import Link from "next/link";
import type { SessionUser } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/dates";
import { failingChannelsFor } from "@/lib/sync/health";

/**
 * "Orders sync for 'EU store' failing since 10:42: 401 token rejected" — one line per failing
 * channel, for users who manage integrations (nothing for everyone else, nothing when all is well).
 */
export async function FailingChannelsBanner({ user, timeZone = "UTC" }: { user: SessionUser; timeZone?: string }) {
  const failing = await failingChannelsFor(user);
  if (failing.length === 0) return null;
  return (
    <div role="alert" className="mb-6 space-y-1 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
      {failing.map((f) => (
        <p key={f.channelId}>
          <span className="font-medium">
            {f.what} sync for &lsquo;{f.channelName}&rsquo; {f.status === "failed" ? "failing" : "partly failing"} since{" "}
            {formatDateTime(f.since, timeZone)}:
          </span>{" "}
          {f.message}{" "}
          <Link href={`/system/sync-history/${f.runId}`} className="font-medium underline">
            See run #{f.runId}
          </Link>
        </p>
      ))}
    </div>
  );
}
