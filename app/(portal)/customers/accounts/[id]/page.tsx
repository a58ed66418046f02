import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { setAccountOwnerAction } from "./actions";
import { AccountOwnerForm } from "@/components/accounts/owner-form";
import { GridView } from "@/components/data-grid/grid-view";
import { Figure } from "@/components/detail/figure";
import { LifetimeFiguresList } from "@/components/detail/lifetime-figures";
import { DateTime } from "@/components/detail/date-time";
import { DetailSection } from "@/components/detail/section";
import { TabLinks } from "@/components/detail/tabs";
import { Timeline } from "@/components/detail/timeline";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { getDb } from "@/db/client";
import { loadAccountActivity, ACTIVITY_PAGE_SIZE } from "@/lib/accounts/activity";
import { CUSTOMERS_LIMIT, listAccountOwners, loadAccountDetail, parseAccountTab, type AccountTab } from "@/lib/accounts/detail";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission, type SessionUser } from "@/lib/auth/session";
import { cartsGrid } from "@/lib/carts/grid";
import { creditMemosGrid } from "@/lib/credit-memos/grid";
import { countOf } from "@/lib/format/count";
import type { SearchParams } from "@/lib/grid/params";
import type { GridScope } from "@/lib/grid/types";
import { ordersGrid } from "@/lib/orders/grid";
import { parseDetailId } from "@/lib/records/meta";
import { subscribersGrid } from "@/lib/subscribers/grid";
import { viewerTimeZone } from "@/lib/users/time-zone";

export const metadata: Metadata = { title: "Account" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> };

const TABS: { id: AccountTab; label: string }[] = [
  { id: "orders", label: "Orders" },
  { id: "carts", label: "Carts" },
  { id: "credit_memos", label: "Credit memos" },
  { id: "subscriptions", label: "Newsletter subscriptions" },
  { id: "activity", label: "Activity" },
];

export default async function AccountPage({ params, searchParams }: Props) {
  const user = await requirePagePermission("view_sales");
  const id = parseDetailId((await params).id);
  if (id === null) notFound();
  const db = await getDb();
  const mayManage = can(user.role, "manage_accounts");
  const [detail, timeZone, owners] = await Promise.all([
    loadAccountDetail(db, user, id),
    viewerTimeZone(db, user),
    mayManage ? listAccountOwners(db, user) : Promise.resolve([]),
  ]);
  if (!detail) notFound();
  if (detail.kind === "merged") {
    return (
      <EmptyState
        title={`${detail.account.name} was merged into another account`}
        action={{ href: `/customers/accounts/${detail.into.id}`, label: `Open ${detail.into.name}` }}
      >
        <p>
          Its customers now belong to {detail.into.name}
          {detail.mergedAt ? (
            <>
              {" "}
              (merged <DateTime value={detail.mergedAt} timeZone={timeZone} />)
            </>
          ) : null}
          .
        </p>
      </EmptyState>
    );
  }
  const query = await searchParams;
  const tab = parseAccountTab(query.tab);
  const { account, figures, customers } = detail;
  const channels = new Set(customers.map((c) => c.channelName));
  const buyers = customers.filter((c) => c.mergedInto === null);

  return (
    <>
      <header className="mb-6 space-y-3">
        <nav aria-label="Breadcrumb" className="text-sm">
          <ol className="flex flex-wrap items-center gap-1 text-slate-500">
            <li>Customers</li>
            <li aria-hidden>›</li>
            <li>
              <Link href="/customers/accounts" className="font-medium text-brand-700 hover:underline">
                Accounts
              </Link>
            </li>
            <li aria-hidden>›</li>
            <li aria-current="page" className="text-slate-700">
              {account.name}
            </li>
          </ol>
        </nav>
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{account.name}</h1>
          {account.type === "company" ? <Badge tone="blue">Company</Badge> : <Badge>Person</Badge>}
          {detail.rfm ? <Badge tone="green">{detail.rfm.label}</Badge> : null}
        </div>
        <p className="flex flex-wrap gap-x-3 gap-y-1 text-sm text-slate-600">
          <span>
            {countOf(buyers.length, "customer")}
            {customers.length > buyers.length ? ` (and ${countOf(customers.length - buyers.length, "merged guest record")})` : ""} in{" "}
            {countOf(channels.size, "channel")}
          </span>
          {mayManage ? null : (
            <span>
              Owner <span className="font-medium text-slate-800">{detail.owner?.name ?? "nobody"}</span>
            </span>
          )}
        </p>
        {mayManage ? (
          <div className="flex flex-wrap items-center gap-3">
            <AccountOwnerForm accountId={account.id} currentId={detail.owner?.id ?? null} users={owners} action={setAccountOwnerAction} />
            {/* The merge page is helper "manage"'s (issue 22): it lists the accounts to merge into. */}
            <Link href={`/customers/accounts/${account.id}/merge`} className={buttonClasses("secondary")}>
              Merge into another account…
            </Link>
          </div>
        ) : null}
      </header>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <DetailSection title="Customers">
            {customers.length === 0 ? (
              <p className="text-sm text-slate-500">No customers belong to this account any more.</p>
            ) : (
              <div className="-mx-5 -my-4 overflow-x-auto">
                <table className="w-full text-left text-sm">
                  <caption className="sr-only">Customers of {account.name}</caption>
                  <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                    <tr>
                      <th className="px-5 py-3 font-medium">Customer</th>
                      <th className="px-5 py-3 font-medium">Channel</th>
                      <th className="px-5 py-3 font-medium">Website</th>
                      <th className="px-5 py-3 font-medium">Type</th>
                      <th className="px-5 py-3 text-right font-medium">Orders</th>
                      {mayManage ? (
                        <th className="px-5 py-3 font-medium">
                          <span className="sr-only">Actions</span>
                        </th>
                      ) : null}
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {customers.map((c) => (
                      <tr key={c.id}>
                        <td className="px-5 py-2">
                          <Link href={`/customers/${c.id}`} className="font-medium text-brand-700 hover:underline">
                            {c.name}
                          </Link>
                          {c.name !== c.email ? <span className="block text-xs text-slate-500">{c.email}</span> : null}
                        </td>
                        <td className="px-5 py-2">{c.channelName}</td>
                        <td className="px-5 py-2">{c.websiteName ?? "—"}</td>
                        <td className="px-5 py-2">
                          {c.mergedInto ? (
                            <span className="text-slate-600">
                              Guest checkout, merged into{" "}
                              <Link href={`/customers/${c.mergedInto.id}`} className="text-brand-700 hover:underline">
                                {c.mergedInto.name}
                              </Link>
                            </span>
                          ) : c.isGuest ? (
                            <Badge tone="amber">Guest</Badge>
                          ) : (
                            <Badge tone="blue">Registered</Badge>
                          )}
                        </td>
                        <td className="px-5 py-2 text-right tabular-nums">{c.mergedInto ? "—" : c.ordersCount.toLocaleString("en-US")}</td>
                        {mayManage ? (
                          <td className="px-5 py-2 text-right">
                            <Link
                              href={`/customers/accounts/${account.id}/move?customer=${c.id}`}
                              className="text-brand-700 hover:underline"
                              aria-label={`Move ${c.name} (${c.channelName}) to another account`}
                            >
                              Move…
                            </Link>
                          </td>
                        ) : null}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {detail.customersCut ? (
              <p className="mt-3 text-xs text-slate-500">
                The first {CUSTOMERS_LIMIT.toLocaleString("en-US")} customers are listed; the tabs below cover all of them.
              </p>
            ) : null}
          </DetailSection>
        </div>
        <div className="min-w-0 space-y-6">
          <DetailSection title="Lifetime">
            {figures.mixedCurrencies ? (
              <p className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900 ring-1 ring-inset ring-amber-200">
                The customers buy in channels with different global currencies: their amounts are not added up into one. Each
                customer&apos;s page shows theirs.
              </p>
            ) : null}
            <LifetimeFiguresList figures={figures} timeZone={timeZone}>
              <Figure label="RFM segment">
                {detail.rfm ? (
                  <>
                    {detail.rfm.label}
                    <span className="block text-xs font-normal text-slate-500">
                      R{detail.rfm.r} F{detail.rfm.f} M{detail.rfm.m}, among all accounts
                    </span>
                  </>
                ) : (
                  <span className="text-slate-500">Not scored yet</span>
                )}
              </Figure>
            </LifetimeFiguresList>
            <p className="mt-3 text-xs text-slate-500">
              Over the orders of all the account&apos;s customers: subtotal after discounts of orders not canceled, in the global currency
              {figures.currency ? ` (${figures.currency})` : ""} at each order&apos;s own rate. The RFM segment is scored after each sync.
            </p>
          </DetailSection>
        </div>
      </div>
      <div className="mt-8 min-w-0 space-y-4">
        <TabLinks
          label="Account records"
          active={tab}
          tabs={TABS.map((t) => ({ id: t.id, label: t.label, href: `/customers/accounts/${account.id}?tab=${t.id}` }))}
        />
        <AccountTabView tab={tab} accountId={account.id} accountLabel={account.name} user={user} searchParams={query} timeZone={timeZone} />
      </div>
    </>
  );
}

async function AccountTabView({
  tab,
  accountId,
  accountLabel,
  user,
  searchParams,
  timeZone,
}: {
  tab: AccountTab;
  accountId: number;
  accountLabel: string;
  user: SessionUser;
  searchParams: SearchParams;
  timeZone: string;
}) {
  // Each list is the shared grid (paged, sorted, filtered in the URL), narrowed to the account's customers.
  const basePath = tab === "orders" ? `/customers/accounts/${accountId}` : `/customers/accounts/${accountId}?tab=${tab}`;
  const scope = (column: string): GridScope => ({ sql: column, value: accountId, label: accountLabel, in: "account" });
  if (tab === "orders") {
    return <GridView definition={ordersGrid} searchParams={searchParams} basePath={basePath} user={user} scope={scope("o.customer_id")} />;
  }
  if (tab === "carts") {
    return <GridView definition={cartsGrid} searchParams={searchParams} basePath={basePath} user={user} scope={scope("ct.customer_id")} />;
  }
  if (tab === "credit_memos") {
    return (
      <GridView definition={creditMemosGrid} searchParams={searchParams} basePath={basePath} user={user} scope={scope("m.customer_id")} />
    );
  }
  if (tab === "subscriptions") {
    return (
      <GridView definition={subscribersGrid} searchParams={searchParams} basePath={basePath} user={user} scope={scope("ns.customer_id")} />
    );
  }
  const pageParam = Array.isArray(searchParams.page) ? searchParams.page[0] : searchParams.page;
  const page = pageParam && /^\d{1,5}$/.test(pageParam) ? Math.max(1, Number(pageParam)) : 1;
  const activity = await loadAccountActivity(await getDb(), user, accountId, page);
  if (activity.events.length === 0) {
    return (
      <p className="text-sm text-slate-500">
        {page > 1 ? "No older activity." : "No activity yet: follow-ups, conversions, edits and owner changes appear here."}
      </p>
    );
  }
  const pageHref = (n: number) => `/customers/accounts/${accountId}?tab=activity${n > 1 ? `&page=${n}` : ""}`;
  return (
    <div className="space-y-4">
      <Timeline
        timeZone={timeZone}
        events={activity.events.map((event) => ({
          key: event.key,
          at: event.at,
          title: event.title,
          detail: [event.detail, event.actor ? `by ${event.actor}` : null].filter(Boolean).join(" · ") || null,
          href: event.href,
        }))}
      />
      {page > 1 || activity.hasMore ? (
        <nav aria-label="Activity pages" className="flex items-center gap-3 text-sm">
          {page > 1 ? (
            <Link href={pageHref(page - 1)} className={buttonClasses("secondary")} scroll={false}>
              Newer
            </Link>
          ) : null}
          <span className="text-slate-600">
            Page {page.toLocaleString("en-US")} ({ACTIVITY_PAGE_SIZE} per page)
          </span>
          {activity.hasMore ? (
            <Link href={pageHref(page + 1)} className={buttonClasses("secondary")} scroll={false}>
              Older
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}

/** An amount over customers of channels with different global currencies: no sum is shown. */
