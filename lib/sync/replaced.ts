import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { channels } from "@/db/schema";
import { formatDateTime, formatUtc } from "@/lib/dates";

// A Magento id means one record for good: Magento never gives an id out twice. When a sync meets
// a record whose creation time differs from the one the portal holds under the same id, the
// Magento behind the channel was reset, restored from an old backup or replaced (or the channel
// now points at another store), and merging would glue two different records into one. The sync
// upsert refuses such a row in the database (upsertRows' `refuseReplaced`, with the function of
// migration 0018), the page rolls back, and the runner stops the channel with the reason.

/** SQLSTATE of sync_refuse_replaced_record() (db/migrations/0018_channel_stopped_reason.sql). */
export const REPLACED_RECORD_SQLSTATE = "MGRPL";

export class MagentoReplacedError extends Error {
  constructor(
    /** "order", "customer", … */
    readonly record: string,
    readonly originId: number,
    /** Magento's creation time of the record the sync fetched. */
    readonly incomingCreatedAt: Date,
    /** The creation time of the record the portal holds under that id. */
    readonly heldCreatedAt: Date,
  ) {
    super(replacedMessage(record, originId, incomingCreatedAt, heldCreatedAt));
    this.name = "MagentoReplacedError";
  }
}

/** "01 Mar 2024, 10:00 UTC", with seconds when two times would read the same. */
function when(date: Date, other: Date): string {
  const text = formatDateTime(date);
  return text === formatDateTime(other) ? formatUtc(date) : text;
}

/** What was found (also the message where a single record is synced, e.g. after a portal action). */
export function replacedMessage(record: string, originId: number, incoming: Date, held: Date): string {
  return (
    `Magento's ${record} ${originId} was created ${when(incoming, held)}, but the portal holds ${record} ${originId} created ${when(held, incoming)}: ` +
    "this Magento was reset or replaced (or the channel now points at another store), so its ids name other records than the portal's. " +
    "Nothing was merged."
  );
}

/** The reason a sync run fails and its channel stops with: what was found, and what to do. */
export function stopReason(error: MagentoReplacedError): string {
  return (
    `${error.message} Sync stopped for this channel. ` +
    "If the channel points at the wrong store, correct its URL and credentials in its settings and switch it on again. " +
    "If this is now the right store, delete the channel (its synced records go with it) and add it again for a fresh first sync."
  );
}

/** The MagentoReplacedError behind a failed statement (its error or the driver error it wraps), or null. */
export function replacedRecordError(error: unknown): MagentoReplacedError | null {
  for (
    let current = error, depth = 0;
    current && typeof current === "object" && depth < 5;
    current = (current as { cause?: unknown }).cause, depth++
  ) {
    const { code, detail } = current as { code?: unknown; detail?: unknown };
    if (code !== REPLACED_RECORD_SQLSTATE || typeof detail !== "string") continue;
    try {
      const parsed = JSON.parse(detail) as { record: string; originId: number; incoming: number | string; held: number | string };
      return new MagentoReplacedError(
        parsed.record,
        Number(parsed.originId),
        new Date(Number(parsed.incoming) * 1000),
        new Date(Number(parsed.held) * 1000),
      );
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Switches the channel off with the reason, so the scheduler stops retrying it; the Integrations
 * page shows the reason until someone switches the channel on again.
 */
export async function stopChannel(db: Db, channelId: number, reason: string): Promise<void> {
  await db
    .update(channels)
    .set({ active: false, stoppedReason: reason.slice(0, 2000), stoppedAt: new Date(), updatedAt: new Date() })
    .where(eq(channels.id, channelId));
}
