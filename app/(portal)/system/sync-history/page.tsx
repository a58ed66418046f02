import type { Metadata } from "next";
import Link from "next/link";
import { retryPushAction } from "@/app/(portal)/customers/two-way-actions";
import { FailingChannelsBanner } from "@/components/sync/failing-channels-banner";
import { PushFailures } from "@/components/two-way/push-failures";
import { RunsTable } from "@/components/sync/runs-table";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { SYNC_RUN_STATUSES } from "@/db/schema";
import { getDb } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { channelOptions, listHistoryRuns, parseHistoryFilters, RUN_TRIGGERS, type HistoryFilters } from "@/lib/sync/history";
import { viewerTimeZone } from "@/lib/users/time-zone";
import { listPushFailures } from "@/lib/customers/two-way/service";
import { countOf } from "@/lib/format/count";

export const metadata: Metadata = { title: "Sync History" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const PUSH_FAILURES_SHOWN = 50;

const CONTROL =
  "block rounded-md border-0 bg-white px-2.5 py-1.5 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500";

function historyHref(filters: HistoryFilters, page?: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, page })) {
    if (value !== undefined && value !== null && !(key === "page" && value === 1)) params.set(key, String(value));
  }
  const query = params.toString();
  return query ? `/system/sync-history?${query}` : "/system/sync-history";
}

export default async function SyncHistoryPage({ searchParams }: Props) {
  const user = await requirePagePermission("run_syncs");
  const filters = parseHistoryFilters(await searchParams);
  const db = await getDb();
  const [{ rows, total, page, pageSize }, channels, timeZone, pushFailures] = await Promise.all([
    listHistoryRuns(db, user, filters),
    channelOptions(db, user),
    viewerTimeZone(db, user),
    listPushFailures(db, user, { channelId: filters.channel ?? undefined, limit: PUSH_FAILURES_SHOWN }),
  ]);
  const filtered = Boolean(filters.channel || filters.status || filters.trigger || filters.from || filters.to);
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  return (
    <>
      <PageHeader
        breadcrumb="System"
        title="Sync History"
        description="Every sync of every channel: when it ran, what it changed and what failed."
      />
      <FailingChannelsBanner user={user} timeZone={timeZone} />
      {pushFailures.length ? (
        <div className="mb-8">
          <PushFailures
            failures={pushFailures}
            timeZone={timeZone}
            retry={can(user.role, "edit_customers") ? retryPushAction : null}
            limit={PUSH_FAILURES_SHOWN}
          />
        </div>
      ) : null}
      {channels.length === 0 ? (
        <EmptyState title="No syncs have run yet">
          Each sync of a Magento integration is listed here with its records changed and any errors, once an integration has been added
          under System › Integrations.
        </EmptyState>
      ) : (
        <div className="space-y-4">
          <form method="get" action="/system/sync-history" aria-label="Filter runs" className="flex flex-wrap items-end gap-3">
            <label className="text-xs font-medium text-slate-600">
              Channel
              <select name="channel" defaultValue={filters.channel ?? ""} className={CONTROL}>
                <option value="">All channels</option>
                {channels.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="text-xs font-medium text-slate-600">
              Status
              <select name="status" defaultValue={filters.status ?? ""} className={CONTROL}>
                <option value="">Any status</option>
                {SYNC_RUN_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label className="text-xs font-medium text-slate-600">
              Trigger
              <select name="trigger" defaultValue={filters.trigger ?? ""} className={CONTROL}>
                <option value="">Any trigger</option>
                {RUN_TRIGGERS.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
            <label className="text-xs font-medium text-slate-600">
              From
              <input type="date" name="from" defaultValue={filters.from ?? ""} className={CONTROL} />
            </label>
            <label className="text-xs font-medium text-slate-600">
              To
              <input type="date" name="to" defaultValue={filters.to ?? ""} className={CONTROL} />
            </label>
            <button type="submit" className={buttonClasses("secondary")}>
              Filter
            </button>
            {filtered ? (
              <Link href="/system/sync-history" className="text-sm text-brand-700 hover:underline">
                Clear filters
              </Link>
            ) : null}
          </form>
          {rows.length === 0 ? (
            <p className="text-sm text-slate-600">{filtered ? "No runs match these filters." : "No syncs have run yet."}</p>
          ) : (
            <>
              <RunsTable runs={rows} timeZone={timeZone} />
              <nav aria-label="Pages" className="flex items-center justify-between text-sm text-slate-600">
                <span>
                  {countOf(total, "run")} · page {page} of {lastPage}
                </span>
                <span className="flex gap-2">
                  {page > 1 ? (
                    <Link href={historyHref(filters, page - 1)} className={buttonClasses("secondary")}>
                      Newer
                    </Link>
                  ) : null}
                  {page < lastPage ? (
                    <Link href={historyHref(filters, page + 1)} className={buttonClasses("secondary")}>
                      Older
                    </Link>
                  ) : null}
                </span>
              </nav>
            </>
          )}
        </div>
      )}
    </>
  );
}
