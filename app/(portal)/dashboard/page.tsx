import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { getDb } from "@/db/client";
import { FilterBar } from "@/components/dashboard/filter-bar";
import { figuresAsOf, isSyncActive } from "@/components/dashboard/labels";
import { WidgetSkeleton } from "@/components/dashboard/widget";
import { StoreDaysNote } from "@/components/reports/store-days-note";
import { FailingChannelsBanner } from "@/components/sync/failing-channels-banner";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LinkNotices } from "@/components/ui/link-notices";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { DATE_RANGE_LABELS } from "@/lib/date-presets";
import { loadFilterOptions, loadSyncHealth, scopeCurrencies } from "@/lib/reports/dashboard/queries";
import { filtersToSearchParams } from "@/lib/periods/filters";
import { zonedReportFilters } from "@/lib/periods/time-zones";
import { firstValue } from "@/lib/url-state";
import { getWorkspaceCounts } from "@/lib/reports/dashboard/counts";
import {
  ChannelsWidget,
  FunnelWidget,
  KpisWidget,
  MixWidget,
  NewVsReturningWidget,
  SalesWidget,
  SyncHealthWidget,
  TopCustomersWidget,
  type TopBy,
} from "./widgets";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission("view_sales");
  const params = await searchParams;
  const { filters, zone, notices } = await zonedReportFilters(await getDb(), params);
  // The top widget ranks customers or accounts (?top=accounts), kept with the other filters.
  const top: TopBy = firstValue(params.top) === "accounts" ? "accounts" : "customers";
  const topHref = (by: TopBy) => {
    const q = filtersToSearchParams({ ...filters, bucket: filters.bucketExplicit ? filters.bucket : null });
    if (by === "accounts") q.set("top", "accounts");
    const text = q.toString();
    return `/dashboard${text ? `?${text}` : ""}#top-by-lifetime-value`;
  };
  const scope = filters;
  const [counts, options, health, currencies] = await Promise.all([
    getWorkspaceCounts(user),
    loadFilterOptions(user),
    loadSyncHealth(user, scope),
    scopeCurrencies(user, scope),
  ]);
  const currency = currencies[0] ?? "USD";
  // The oldest refresh among the channels shown: every figure is at least this fresh.
  const refreshed = health.map((h) => h.rollupsAsOf).filter((d): d is Date => d !== null);
  const oldest = refreshed.length > 0 ? new Date(Math.min(...refreshed.map((d) => d.getTime()))) : null;
  const asOf = figuresAsOf(
    oldest,
    health.some((h) => isSyncActive(h.lastRunStatus)),
  );
  const props = { user, scope, currency, asOf };
  // A new key per filter set: changing a filter shows the skeletons again instead of stale figures.
  const key = JSON.stringify([filters.range, filters.bucket, filters.channelId, filters.websiteId]);
  const tiles = [
    { label: "Shopping carts", value: counts.carts, href: "/sales/carts" },
    { label: "Orders", value: counts.orders, href: "/sales/orders" },
    { label: "Credit memos", value: counts.creditMemos, href: "/sales/credit-memos" },
    { label: "Customers", value: counts.customers, href: "/customers" },
    { label: "Newsletter subscribers", value: counts.subscribers, href: "/marketing/subscribers" },
  ];
  const firstName = user.name.split(/\s+/)[0] ?? user.name;
  return (
    <>
      <PageHeader
        title={`Welcome, ${firstName}`}
        description={`${DATE_RANGE_LABELS[filters.preset]}: ${filters.range.from} – ${filters.range.to}. ${asOf}.`}
      />
      <FailingChannelsBanner user={user} />
      <LinkNotices notices={notices} className="mb-6" />
      {counts.channels === 0 ? (
        <div className="mb-6">
          <EmptyState
            title="No Magento store connected yet"
            action={can(user.role, "manage_integrations") ? { href: "/system/integrations", label: "Go to Integrations" } : undefined}
          >
            {can(user.role, "manage_integrations")
              ? "Add a Magento integration under System › Integrations. Its customers, carts and orders appear here with the first sync."
              : "Once an administrator adds a Magento integration under System › Integrations, its customers, carts and orders appear here."}
          </EmptyState>
        </div>
      ) : null}
      <FilterBar
        filters={filters}
        channels={options.channels}
        websites={options.websites}
        keep={top === "accounts" ? { top: "accounts" } : undefined}
      />
      <StoreDaysNote zone={zone} />
      {currencies.length > 1 ? (
        <p role="note" className="mb-6 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <span className="font-medium">Different global currencies:</span> the channels in this view belong to Magento installations that
          report in {new Intl.ListFormat("en", { type: "conjunction" }).format(currencies)}, and no rate between them is known. Amounts are
          shown in {currency}; choose one channel for exact totals.
        </p>
      ) : (
        <p className="mb-6 text-xs text-slate-600" data-testid="currency-note">
          Amounts are in {currency}, Magento&apos;s global currency: each order&apos;s base amounts converted at its own rate, as in Magento
          admin&apos;s reports.
        </p>
      )}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2" key={key}>
        <div className="lg:col-span-2">
          <Suspense fallback={<WidgetSkeleton title="Key figures" lines={3} />}>
            <KpisWidget {...props} />
          </Suspense>
        </div>
        <Suspense fallback={<WidgetSkeleton title="Revenue over time" className="lg:col-span-2" lines={6} />}>
          <SalesWidget {...props} />
        </Suspense>
        <Suspense fallback={<WidgetSkeleton title="By channel" className="lg:col-span-2" lines={6} />}>
          <ChannelsWidget {...props} />
        </Suspense>
        <Suspense fallback={<WidgetSkeleton title="Shopping cart funnel" lines={6} />}>
          <FunnelWidget {...props} />
        </Suspense>
        <Suspense fallback={<WidgetSkeleton title="New vs returning customers" />}>
          <NewVsReturningWidget {...props} />
        </Suspense>
        <div id="top-by-lifetime-value" className="scroll-mt-20">
          <Suspense
            fallback={
              <WidgetSkeleton title={top === "accounts" ? "Top accounts by lifetime value" : "Top customers by lifetime value"} lines={8} />
            }
          >
            <TopCustomersWidget {...props} top={top} topHrefs={{ customers: topHref("customers"), accounts: topHref("accounts") }} />
          </Suspense>
        </div>
        <Suspense fallback={<WidgetSkeleton title="Orders by status" />}>
          <MixWidget {...props} kind="status" />
        </Suspense>
        <Suspense fallback={<WidgetSkeleton title="Payment methods" />}>
          <MixWidget {...props} kind="payment" />
        </Suspense>
        <Suspense fallback={<WidgetSkeleton title="Shipping methods" />}>
          <MixWidget {...props} kind="shipping" />
        </Suspense>
        <Suspense fallback={<WidgetSkeleton title="Sync health" />}>
          <SyncHealthWidget user={user} scope={scope} />
        </Suspense>
      </div>
      <h2 className="mb-3 mt-8 text-sm font-semibold text-slate-700">Workspace</h2>
      <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-5">
        {tiles.map((tile) => (
          <li key={tile.href}>
            <Link href={tile.href} className="block">
              <Card className="px-5 py-4 transition-shadow hover:shadow-md">
                <p className="text-sm text-slate-600">{tile.label}</p>
                <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{tile.value.toLocaleString("en-US")}</p>
              </Card>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
