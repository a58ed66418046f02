import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { syncRecordAction } from "@/app/(portal)/record-actions";
import { recordOrderFeedbackAction } from "@/app/(portal)/sales/follow-up-actions";
import { AddressBlock } from "@/components/detail/address-block";
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
import { customerName } from "@/lib/customers/name";
import { ordersGrid } from "@/lib/orders/grid";
import type { SearchParams } from "@/lib/grid/params";
import { detailNavigation } from "@/lib/browse/detail-navigation";
import { loadOrderDetail } from "@/lib/orders/detail";
import { parseDetailId } from "@/lib/records/meta";
import { OrderFeedbackForm } from "@/components/follow-up/order-feedback-form";
import { loadOrderFollowUp } from "@/lib/orders/follow-up";

export const metadata: Metadata = { title: "Order" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> };

export default async function OrderPage({ params, searchParams }: Props) {
  const user = await requirePagePermission("view_sales");
  const id = parseDetailId((await params).id);
  if (id === null) notFound();
  const db = await getDb();
  const detail = await loadOrderDetail(db, user, id);
  if (!detail) notFound();
  const { timeZone, back, nav } = await detailNavigation(db, user, ordersGrid, "/sales/orders", id, await searchParams);
  const { order, channel } = detail;
  const currency = order.orderCurrencyCode;
  const followUp = await loadOrderFollowUp(db, user, order.id);
  const customerLabel =
    customerName({ firstName: order.customerFirstName, lastName: order.customerLastName, email: order.customerEmail }) || "—";

  return (
    <>
      <DetailHeader
        section="Sales"
        grid={{ label: "Orders", href: back.href }}
        title={`Order #${order.incrementId}`}
        badges={
          <>
            <StatusBadge value={order.status} />
            <StatusBadge value={order.state} prefix="State" />
            {order.isGuest ? <StatusBadge value="guest" /> : null}
          </>
        }
        nav={nav}
        channelName={channel.name}
        syncedAt={detail.syncedAt}
        timeZone={timeZone}
        adminHref={channel.adminUrl ? `${channel.adminUrl}/sales/order/view/order_id/${order.originId}/` : null}
        actions={can(user.role, "run_syncs") ? <SyncRecordButton action={syncRecordAction} connector="orders" id={order.id} /> : null}
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <DetailSection title="Items">
            <ItemsTable
              caption={`Items of order #${order.incrementId}`}
              currency={currency}
              qtyLabel="Qty ordered"
              items={detail.items.map((item) => ({
                key: item.id,
                sku: item.sku,
                name: item.name,
                qty: item.qtyOrdered,
                price: item.price,
                rowTotal: item.rowTotal,
                // A configurable product: the simple product (size / colour) it was bought as.
                detail: item.chosen ? `Chosen: ${item.chosen.name ?? item.chosen.sku}` : null,
              }))}
            />
          </DetailSection>
          <DetailSection title="Addresses">
            <div className="grid gap-6 sm:grid-cols-2">
              <AddressBlock label="Billing" address={detail.billingAddress} />
              <AddressBlock label="Shipping" address={detail.shippingAddress} />
            </div>
          </DetailSection>
          <DetailSection title="Credit memos">
            {detail.creditMemos.length === 0 ? (
              <p className="text-sm text-slate-500">No credit memos for this order.</p>
            ) : (
              <ul className="divide-y divide-slate-100 text-sm">
                {detail.creditMemos.map((memo) => (
                  <li key={memo.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                    <Link href={`/sales/credit-memos/${memo.id}`} className="font-medium text-brand-700 hover:underline">
                      Credit memo #{memo.incrementId ?? memo.id}
                    </Link>
                    <span className="text-slate-500">
                      <DateTime value={memo.createdAt} timeZone={timeZone} />
                    </span>
                    <Money value={memo.grandTotal} currency={memo.currency ?? currency} className="font-medium" />
                  </li>
                ))}
              </ul>
            )}
          </DetailSection>
        </div>
        <div className="min-w-0 space-y-6">
          {/* Order follow-up (issue 7 §3): not contacted → contacted, with the customer's feedback. */}
          <DetailSection title="Follow-up" actions={<StatusBadge value={followUp ? "contacted" : "not_contacted"} />}>
            {followUp ? (
              <div className="space-y-1 text-sm">
                <p className="whitespace-pre-line text-slate-900">{followUp.feedback}</p>
                {followUp.note ? <p className="whitespace-pre-line text-slate-600">{followUp.note}</p> : null}
                <p className="text-xs text-slate-500">
                  {followUp.actor} · <DateTime value={followUp.contactedAt} timeZone={timeZone} />
                </p>
              </div>
            ) : can(user.role, "work_carts") ? (
              <OrderFeedbackForm orderId={order.id} recordAction={recordOrderFeedbackAction} />
            ) : (
              <p className="text-sm text-slate-500">Nobody has asked this customer for feedback yet.</p>
            )}
          </DetailSection>
          <DetailSection title="Totals">
            <TotalsTable
              caption="Order totals"
              currency={currency}
              rows={[
                { label: "Subtotal", value: order.subtotal },
                { label: "Discount", value: order.discountAmount },
                { label: "Shipping", value: order.shippingAmount },
                { label: "Tax", value: order.taxAmount },
                { label: "Grand total", value: order.grandTotal, emphasis: true },
                { label: "Paid", value: order.totalPaid },
                { label: "Refunded", value: order.totalRefunded },
                { label: "Canceled", value: order.totalCanceled },
                { label: "Due", value: order.totalDue ?? "0", emphasis: true },
              ]}
            />
          </DetailSection>
          <DetailSection title="Customer">
            <Facts
              narrow
              items={[
                {
                  label: "Customer",
                  value: detail.customer ? (
                    <>
                      <Link href={`/customers/${detail.customer.id}`} className="font-medium text-brand-700 hover:underline">
                        {customerLabel}
                      </Link>
                      {detail.customer.account ? (
                        <span className="block">
                          <AccountLink account={detail.customer.account} />
                        </span>
                      ) : null}
                    </>
                  ) : (
                    customerLabel
                  ),
                },
                { label: "Email", value: order.customerEmail },
                { label: "Type", value: order.isGuest ? "Guest checkout" : "Registered customer" },
                { label: "Coupon", value: order.couponCode },
              ]}
            />
          </DetailSection>
          <DetailSection title="Order">
            <Facts
              narrow
              items={[
                { label: "Placed", value: <DateTime value={order.remoteCreatedAt} timeZone={timeZone} /> },
                { label: "Updated", value: <DateTime value={order.remoteUpdatedAt} timeZone={timeZone} /> },
                { label: "Payment method", value: order.paymentMethod },
                { label: "Shipping method", value: order.shippingDescription ?? order.shippingMethod },
                {
                  label: "Store",
                  value: detail.store
                    ? `${detail.store.websiteName ?? ""}${detail.store.websiteName ? " › " : ""}${detail.store.name}`
                    : null,
                },
                { label: "Currency", value: currency },
                {
                  label: "From cart",
                  value: detail.cart ? (
                    <Link href={`/sales/carts/${detail.cart.id}`} className="font-medium text-brand-700 hover:underline">
                      Cart {detail.cart.originId}
                    </Link>
                  ) : order.quoteOriginId ? (
                    `Cart ${order.quoteOriginId} (not synced)`
                  ) : null,
                },
                { label: "Items", value: `${order.totalItemCount}` },
              ]}
            />
          </DetailSection>
        </div>
      </div>
    </>
  );
}
