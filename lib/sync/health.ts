import "server-only";
import { and, asc, desc, eq, inArray, isNotNull, isNull, or } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { channels, syncErrors, syncRuns } from "@/db/schema";
import { statsOf, type SyncRunRow } from "@/lib/sync/runs";
import { CONNECTOR_ORDER } from "@/lib/sync/types";
import { connectorLabel } from "@/lib/sync/types";
import { countOf } from "@/lib/format/count";

// Which channels are failing now, for the banner on the dashboard and the Integrations list: a
// channel whose latest finished run failed, or ended partial with errors still unresolved. "Since"
// is the start of that streak (the first failed/partial run after the last good one).

export interface FailingChannel {
  channelId: number;
  channelName: string;
  runId: number;
  status: "failed" | "partial";
  /** "Orders", "Sync" (when no connector can be named). */
  what: string;
  since: Date;
  message: string;
}

const RUNS_LOOKED_AT = 20;

/** The connector a failed run stopped in: started, not finished. */
function stoppedIn(run: SyncRunRow): string | null {
  return (
    CONNECTOR_ORDER.find((name) => {
      const s = statsOf(run, name);
      return Boolean(s.startedAt) && !s.finishedAt;
    }) ?? null
  );
}

export async function loadFailingChannels(db: Db, user: SessionUser | null): Promise<FailingChannel[]> {
  requirePermission(user, "manage_integrations");
  const active = await db
    .select({ id: channels.id, name: channels.name })
    .from(channels)
    // A channel the sync stopped is inactive but still failing: its admins must see why.
    .where(and(or(eq(channels.active, true), isNotNull(channels.stoppedReason)), isNull(channels.deletingAt)))
    .orderBy(channels.name);
  const out: FailingChannel[] = [];
  for (const channel of active) {
    const runs = await db
      .select()
      .from(syncRuns)
      .where(and(eq(syncRuns.channelId, channel.id), inArray(syncRuns.status, ["succeeded", "partial", "failed"])))
      .orderBy(desc(syncRuns.createdAt), desc(syncRuns.id))
      .limit(RUNS_LOOKED_AT);
    const latest = runs[0];
    if (!latest || latest.status === "succeeded") continue;
    let firstError: { connector: string; message: string } | undefined;
    if (latest.status === "partial") {
      [firstError] = await db
        .select({ connector: syncErrors.connector, message: syncErrors.message })
        .from(syncErrors)
        .where(and(eq(syncErrors.runId, latest.id), isNull(syncErrors.resolvedAt)))
        .orderBy(asc(syncErrors.id))
        .limit(1);
      if (!firstError) continue; // every failed record was retried successfully
    }
    let streakStart = latest;
    for (const run of runs) {
      if (run.status === "succeeded") break;
      streakStart = run;
    }
    const connector = latest.status === "partial" ? firstError!.connector : stoppedIn(latest);
    const message =
      latest.status === "failed"
        ? (latest.errorMessage ?? "the sync failed")
        : `${countOf(latest.errorCount, "record")} could not be kept (${firstError!.message})`;
    out.push({
      channelId: channel.id,
      channelName: channel.name,
      runId: latest.id,
      status: latest.status as "failed" | "partial",
      what: connector ? connectorLabel(connector) : "Sync",
      since: streakStart.startedAt ?? streakStart.createdAt,
      message: message.length > 300 ? `${message.slice(0, 297)}…` : message,
    });
  }
  return out;
}

/** For the banner: failing channels when the user manages integrations ("for admins"), else none. */
export async function failingChannelsFor(user: SessionUser | null): Promise<FailingChannel[]> {
  if (!user || !can(user.role, "manage_integrations")) return [];
  return loadFailingChannels(await getDb(), user);
}
