import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { syncRecordAction } from "@/app/(portal)/record-actions";
import { AccountLink } from "@/components/accounts/account-link";
import { DateTime } from "@/components/detail/date-time";
import { DetailHeader } from "@/components/detail/detail-header";
import { ItemsTable } from "@/components/detail/items-table";
import { Money } from "@/components/detail/money";
import { DetailSection, Facts } from "@/components/detail/section";
import { StatusBadge } from "@/components/detail/status-badge";
import { SyncRecordButton } from "@/components/detail/sync-record-button";
import { TotalsTable } from "@/components/detail/totals-table";
import { getDb } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { creditMemosGrid } from "@/lib/credit-memos/grid";
import type { SearchParams } from "@/lib/grid/params";
import { loadCreditMemoDetail } from "@/lib/credit-memos/detail";
import { detailNavigation } from "@/lib/browse/detail-navigation";
import { parseDetailId } from "@/lib/records/meta";

export const metadata: Metadata = { title: "Credit memo" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> };

// Magento's creditmemo states.
const STATES: Record<number, string> = { 1: "open", 2: "refunded", 3: "canceled" };

export default async function CreditMemoPage({ params, searchParams }: Props) {
  const user = await requirePagePermission("view_sales");
  const id = parseDetailId((await params).id);
  if (id === null) notFound();
  const db = await getDb();
  const detail = await loadCreditMemoDetail(db, user, id);
  if (!detail) notFound();
  const { timeZone, back, nav } = await detailNavigation(db, user, creditMemosGrid, "/sales/credit-memos", id, await searchParams);
  const { memo, channel } = detail;
  // A memo refunds in its order's currency; Magento may leave the memo's own code empty.
  const currency = memo.orderCurrencyCode ?? detail.order?.currency ?? null;

  return (
    <>
      <DetailHeader
        section="Sales"
        grid={{ label: "Credit Memos", href: back.href }}
        title={`Credit memo #${memo.incrementId ?? memo.originId}`}
        badges={memo.state !== null ? <StatusBadge value={STATES[memo.state] ?? `state ${memo.state}`} /> : null}
        nav={nav}
        channelName={channel.name}
        syncedAt={detail.syncedAt}
        timeZone={timeZone}
        adminHref={channel.adminUrl ? `${channel.adminUrl}/sales/creditmemo/view/creditmemo_id/${memo.originId}/` : null}
        actions={can(user.role, "run_syncs") ? <SyncRecordButton action={syncRecordAction} connector="credit_memos" id={memo.id} /> : null}
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <DetailSection title="Refunded items">
            <ItemsTable
              caption={`Items of credit memo #${memo.incrementId ?? memo.originId}`}
              currency={currency}
              qtyLabel="Qty refunded"
              items={detail.items.map((item) => ({
                key: item.id,
                sku: item.sku,
                name: item.name,
                qty: item.qty,
                price: item.price,
                rowTotal: item.rowTotal,
              }))}
            />
          </DetailSection>
          <DetailSection title="Order and customer">
            <Facts
              items={[
                {
                  label: "Order",
                  value: detail.order ? (
                    <span className="flex flex-wrap items-center gap-2">
                      <Link href={`/sales/orders/${detail.order.id}`} className="font-medium text-brand-700 hover:underline">
                        Order #{detail.order.incrementId}
                      </Link>
                      <StatusBadge value={detail.order.status} />
                      <Money value={detail.order.grandTotal} currency={detail.order.currency} />
                    </span>
                  ) : (
                    `Magento order ${memo.orderOriginId} (not synced)`
                  ),
                },
                {
                  label: "Customer",
                  value: detail.customer ? (
                    <span>
                      <Link href={`/customers/${detail.customer.id}`} className="font-medium text-brand-700 hover:underline">
                        {detail.customer.name ?? detail.customer.email}
                      </Link>
                      {detail.customer.isGuest ? (
                        <span className="ml-2">
                          <StatusBadge value="guest" />
                        </span>
                      ) : null}
                      {detail.customer.account ? (
                        <span className="block">
                          <AccountLink account={detail.customer.account} />
                        </span>
                      ) : null}
                    </span>
                  ) : null,
                },
                {
                  label: "Store",
                  value: detail.store
                    ? `${detail.store.websiteName ?? ""}${detail.store.websiteName ? " › " : ""}${detail.store.name}`
                    : null,
                },
                { label: "Created", value: <DateTime value={memo.remoteCreatedAt} timeZone={timeZone} /> },
              ]}
            />
          </DetailSection>
        </div>
        <div className="min-w-0 space-y-6">
          <DetailSection title="Totals">
            <TotalsTable
              caption="Credit memo totals"
              currency={currency}
              rows={[
                { label: "Subtotal", value: memo.subtotal },
                { label: "Discount", value: memo.discountAmount },
                { label: "Shipping", value: memo.shippingAmount },
                { label: "Tax", value: memo.taxAmount },
                { label: "Adjustment refund", value: memo.adjustmentPositive },
                { label: "Adjustment fee", value: memo.adjustmentNegative },
                { label: "Adjustment (net)", value: memo.adjustment },
                { label: "Grand total refunded", value: memo.grandTotal, emphasis: true },
              ]}
            />
          </DetailSection>
        </div>
      </div>
    </>
  );
}
