import "server-only";
import { and, count, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { channels, SYNC_RUN_STATUSES, syncErrors, syncRuns, syncWarnings, users } from "@/db/schema";
import { statsOf, type SyncErrorRow, type SyncRunRow } from "@/lib/sync/runs";
import { CONNECTOR_ORDER } from "@/lib/sync/types";
import { queryRows } from "@/db/rows";
import { isCalendarDay, readParams, type ReadParams, type SearchParams } from "@/lib/url-state";

// Reads for System › Sync History and the channel page: runs with filters from the URL (validated
// here, never trusted), one run with its errors, and where each error's record lives in the portal
// and in Magento. Never selects a channel's credentials. Each read takes the signed-in user and
// checks run_syncs itself (what both pages need), rather than trusting the page's guard.

export const RUN_TRIGGERS = ["schedule", "manual", "cli", "action"] as const;
export const RUN_MODES = ["initial", "incremental", "full"] as const;
export const HISTORY_PAGE_SIZE = 50;

const positiveInt = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Sync History filters as the URL carries them; anything invalid is dropped, not an error page. */
const HISTORY_PARAMS = {
  channel: positiveInt,
  status: z.enum(SYNC_RUN_STATUSES),
  trigger: z.enum(RUN_TRIGGERS),
  from: z.string().refine(isCalendarDay),
  to: z.string().refine(isCalendarDay),
  page: positiveInt,
};
export type HistoryFilters = ReadParams<typeof HISTORY_PARAMS>;

/** Parses searchParams leniently: each valid filter is kept, each invalid one ignored. */
export function parseHistoryFilters(params: SearchParams): HistoryFilters {
  return readParams(HISTORY_PARAMS, params);
}

export type HistoryRun = SyncRunRow & { channelName: string; requestedBy: string | null };

function runConditions(filters: HistoryFilters): SQL | undefined {
  const conditions: SQL[] = [];
  if (filters.channel) conditions.push(eq(syncRuns.channelId, filters.channel));
  if (filters.status) conditions.push(eq(syncRuns.status, filters.status));
  if (filters.trigger) conditions.push(eq(syncRuns.trigger, filters.trigger));
  if (filters.from) conditions.push(gte(syncRuns.createdAt, new Date(`${filters.from}T00:00:00Z`)));
  if (filters.to) conditions.push(lt(syncRuns.createdAt, new Date(new Date(`${filters.to}T00:00:00Z`).getTime() + 24 * 60 * 60 * 1000)));
  return conditions.length > 0 ? and(...conditions) : undefined;
}

/** Runs of every channel, newest first, filtered; with the total for paging. */
export async function listHistoryRuns(
  db: Db,
  user: SessionUser | null,
  filters: HistoryFilters,
  pageSize = HISTORY_PAGE_SIZE,
): Promise<{ rows: HistoryRun[]; total: number; page: number; pageSize: number }> {
  requirePermission(user, "run_syncs");
  const where = runConditions(filters);
  const [totalRow] = await db.select({ n: count() }).from(syncRuns).where(where);
  const total = totalRow?.n ?? 0;
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(filters.page ?? 1, lastPage);
  const rows = await db
    .select({ run: syncRuns, channelName: channels.name, requestedBy: users.name })
    .from(syncRuns)
    .innerJoin(channels, eq(channels.id, syncRuns.channelId))
    .leftJoin(users, eq(users.id, syncRuns.requestedByUserId))
    .where(where)
    .orderBy(desc(syncRuns.createdAt), desc(syncRuns.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return { rows: rows.map((r) => ({ ...r.run, channelName: r.channelName, requestedBy: r.requestedBy })), total, page, pageSize };
}

/** The newest runs of one channel (channel page). */
export async function listChannelRuns(db: Db, user: SessionUser | null, channelId: number, limit = 10): Promise<HistoryRun[]> {
  const { rows } = await listHistoryRuns(db, user, { channel: channelId }, limit);
  return rows;
}

/** Channel names and ids for the filter (no credentials). */
export async function channelOptions(db: Db, user: SessionUser | null): Promise<{ id: number; name: string }[]> {
  requirePermission(user, "run_syncs");
  return db.select({ id: channels.id, name: channels.name }).from(channels).orderBy(channels.name);
}

/** What the channel page shows of a channel (never its credentials). */
export async function getChannelSummary(db: Db, user: SessionUser | null, channelId: number) {
  requirePermission(user, "run_syncs");
  const [row] = await db
    .select({
      id: channels.id,
      name: channels.name,
      baseUrl: channels.baseUrl,
      storeCode: channels.storeCode,
      adminUrl: channels.adminUrl,
      active: channels.active,
      stoppedReason: channels.stoppedReason,
      stoppedAt: channels.stoppedAt,
      twoWaySync: channels.twoWaySync,
      syncIntervalMinutes: channels.syncIntervalMinutes,
      syncStartDate: channels.syncStartDate,
      entities: channels.entities,
      hasCredentials: sql<boolean>`${channels.credentialsEncrypted} is not null`,
      deletingAt: channels.deletingAt,
    })
    .from(channels)
    .where(eq(channels.id, channelId));
  return row ?? null;
}
export type ChannelSummary = NonNullable<Awaited<ReturnType<typeof getChannelSummary>>>;

/** The channel's unfinished run, if any. */
export async function activeRun(db: Db, user: SessionUser | null, channelId: number): Promise<SyncRunRow | null> {
  requirePermission(user, "run_syncs");
  const [row] = await db
    .select()
    .from(syncRuns)
    .where(and(eq(syncRuns.channelId, channelId), inArray(syncRuns.status, ["queued", "running"])))
    .orderBy(desc(syncRuns.createdAt), desc(syncRuns.id))
    .limit(1);
  return row ?? null;
}

/** One run with its channel (null when it does not exist). */
export async function getHistoryRun(
  db: Db,
  user: SessionUser | null,
  runId: number,
): Promise<(HistoryRun & { adminUrl: string | null }) | null> {
  requirePermission(user, "run_syncs");
  const [row] = await db
    .select({ run: syncRuns, channelName: channels.name, adminUrl: channels.adminUrl, requestedBy: users.name })
    .from(syncRuns)
    .innerJoin(channels, eq(channels.id, syncRuns.channelId))
    .leftJoin(users, eq(users.id, syncRuns.requestedByUserId))
    .where(eq(syncRuns.id, runId));
  return row ? { ...row.run, channelName: row.channelName, adminUrl: row.adminUrl, requestedBy: row.requestedBy } : null;
}

/** Where a record an error or warning names lives, in the portal and in the Magento admin. */
export type RecordLinks = { portalHref: string | null; magentoHref: string | null };

export type RunError = SyncErrorRow & RecordLinks;

const PORTAL_RECORDS: Partial<Record<string, { table: string; path: string }>> = {
  customers: { table: "magento_customers", path: "/customers/" },
  carts: { table: "magento_carts", path: "/sales/carts/" },
  orders: { table: "magento_orders", path: "/sales/orders/" },
  credit_memos: { table: "magento_credit_memos", path: "/sales/credit-memos/" },
};

const MAGENTO_ADMIN_PATHS: Partial<Record<string, (id: string) => string>> = {
  customers: (id) => `customer/index/edit/id/${id}/`,
  orders: (id) => `sales/order/view/order_id/${id}/`,
  credit_memos: (id) => `sales/creditmemo/view/creditmemo_id/${id}/`,
};

/** A link into the Magento admin for a record, when the channel has an admin URL and the entity a page there. */
export function magentoAdminHref(adminUrl: string | null, connector: string, originId: string | null): string | null {
  if (!adminUrl || !originId || !/^\d+$/.test(originId)) return null;
  const path = MAGENTO_ADMIN_PATHS[connector];
  if (!path || !/^https?:\/\//i.test(adminUrl)) return null;
  return `${adminUrl.replace(/\/+$/, "")}/${path(originId)}`;
}

/**
 * Rows naming a record (connector + Magento id), each with links to the record in the portal
 * (one lookup per connector) and in the Magento admin (errors and warnings alike).
 */
async function withRecordLinks<R extends { connector: string; originId: string | null }>(
  db: Db,
  run: { channelId: number; adminUrl: string | null },
  rows: readonly R[],
): Promise<(R & RecordLinks)[]> {
  const portalIds = new Map<string, Map<string, number>>();
  for (const [connector, target] of Object.entries(PORTAL_RECORDS)) {
    const ids = [
      ...new Set(rows.filter((r) => r.connector === connector && r.originId && /^\d+$/.test(r.originId)).map((r) => r.originId!)),
    ];
    if (!target || ids.length === 0) continue;
    const found = await queryRows<{ id: unknown; origin_id: unknown }>(
      db,
      sql`
      SELECT id, origin_id FROM ${sql.raw(target.table)}
      WHERE channel_id = ${run.channelId} AND removed_at IS NULL
        AND origin_id IN (${sql.join(
          ids.map((id) => sql`${Number(id)}`),
          sql`, `,
        )})`,
    );
    portalIds.set(connector, new Map(found.map((f) => [String(f.origin_id), Number(f.id)])));
  }
  return rows.map((row) => {
    const portalId = row.originId ? portalIds.get(row.connector)?.get(String(Number(row.originId))) : undefined;
    const target = PORTAL_RECORDS[row.connector];
    return {
      ...row,
      portalHref: portalId !== undefined && target ? `${target.path}${portalId}` : null,
      magentoHref: magentoAdminHref(run.adminUrl, row.connector, row.originId),
    };
  });
}

/** A run's errors (unresolved first), each with its record's portal and Magento links. */
export async function listRunErrors(
  db: Db,
  user: SessionUser | null,
  run: { id: number; channelId: number; adminUrl: string | null },
  limit = 500,
): Promise<RunError[]> {
  requirePermission(user, "run_syncs");
  const rows = await db
    .select()
    .from(syncErrors)
    .where(eq(syncErrors.runId, run.id))
    .orderBy(sql`${syncErrors.resolvedAt} is not null`, syncErrors.id)
    .limit(limit);
  return withRecordLinks(db, run, rows);
}

export type RunWarning = typeof syncWarnings.$inferSelect & RecordLinks;

/**
 * The warnings a run found first (a record kept with a field stored as null), by record, with
 * links to the record in the portal and in Magento.
 */
export async function listRunWarnings(
  db: Db,
  user: SessionUser | null,
  run: { id: number; channelId: number; adminUrl: string | null },
  limit = 500,
): Promise<RunWarning[]> {
  requirePermission(user, "run_syncs");
  const rows = await db
    .select()
    .from(syncWarnings)
    .where(and(eq(syncWarnings.channelId, run.channelId), eq(syncWarnings.firstRunId, run.id)))
    .orderBy(syncWarnings.connector, sql`length(${syncWarnings.originId})`, syncWarnings.originId, syncWarnings.field)
    .limit(limit);
  return withRecordLinks(db, run, rows);
}

/** How many of a run's errors are still unresolved. */
export async function unresolvedErrorCount(db: Db, user: SessionUser | null, runId: number): Promise<number> {
  requirePermission(user, "run_syncs");
  const [row] = await db
    .select({ n: count() })
    .from(syncErrors)
    .where(and(eq(syncErrors.runId, runId), isNull(syncErrors.resolvedAt)));
  return row?.n ?? 0;
}

/** "customers 120/3 · orders 400/1": per connector, records changed (created + updated), failed and warned about. */
export function countsSummary(
  run: Pick<SyncRunRow, "stats">,
): { connector: string; changed: number; fetched: number; failed: number; warnings: number }[] {
  return CONNECTOR_ORDER.filter((name) => run.stats[name]).map((name) => {
    const s = statsOf(run, name);
    return { connector: name, changed: s.created + s.updated, fetched: s.fetched, failed: s.failed, warnings: s.warnings };
  });
}

/** Run duration in words ("42s", "3m 05s"); running runs count to now. */
export function runDuration(run: Pick<SyncRunRow, "startedAt" | "finishedAt">, now = new Date()): string {
  if (!run.startedAt) return "—";
  const ms = Math.max(0, (run.finishedAt ?? now).getTime() - run.startedAt.getTime());
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}
