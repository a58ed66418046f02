import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { syncRecordAction } from "@/app/(portal)/record-actions";
import { assignCartsAction, logContactAction, markLostAction, reopenCartAction } from "@/app/(portal)/sales/follow-up-actions";
import { AccountLink } from "@/components/accounts/account-link";
import { DateTime } from "@/components/detail/date-time";
import { DetailHeader } from "@/components/detail/detail-header";
import { ItemsTable } from "@/components/detail/items-table";
import { Money } from "@/components/detail/money";
import { DetailSection, Facts } from "@/components/detail/section";
import { StatusBadge } from "@/components/detail/status-badge";
import { SyncRecordButton } from "@/components/detail/sync-record-button";
import { Timeline, type TimelineEvent } from "@/components/detail/timeline";
import { TotalsTable } from "@/components/detail/totals-table";
import { Button, buttonClasses } from "@/components/ui/button";
import { CartFollowUpActions } from "@/components/follow-up/cart-actions";
import { CartFollowUpTimeline } from "@/components/follow-up/cart-timeline";
import { getDb } from "@/db/client";
import { customerName } from "@/lib/customers/name";
import { formatDecimal } from "@/lib/format/money";
import { describeDelay } from "@/lib/sync/rules/abandoned-carts";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { cartsGrid } from "@/lib/carts/grid";
import type { SearchParams } from "@/lib/grid/params";
import { loadCartDetail } from "@/lib/carts/detail";
import { detailNavigation } from "@/lib/browse/detail-navigation";
import { parseDetailId } from "@/lib/records/meta";
import { LOST_REASONS } from "@/db/schema/follow-up";
import { CONVERTIBLE_STATUSES } from "@/lib/carts/conversion/context";
import { allowedTransitions, ASSIGNABLE_STATUSES, checkAssign, mayReassign } from "@/lib/carts/follow-up-rules";
import { LOST_REASON_LABELS, listAssignees, loadCartTimeline } from "@/lib/carts/follow-up";
import { countOf } from "@/lib/format/count";

export const metadata: Metadata = { title: "Shopping cart" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> };

const STATUS_TITLES: Record<string, string> = {
  open: "Cart is open",
  contacted: "Customer contacted",
  expired: "Cart expired",
  purchased: "Cart purchased",
  lost: "Cart marked lost",
  converted: "Cart converted to an order",
};

export default async function CartPage({ params, searchParams }: Props) {
  const user = await requirePagePermission("view_sales");
  const id = parseDetailId((await params).id);
  if (id === null) notFound();
  const db = await getDb();
  const detail = await loadCartDetail(db, user, id);
  if (!detail) notFound();
  const { timeZone, back, nav } = await detailNavigation(db, user, cartsGrid, "/sales/carts", id, await searchParams);
  const { cart, channel } = detail;
  const currency = cart.currencyCode;
  // Follow-up (issue 7 §3): the timeline, and the steps the state machine allows this user now.
  const followUp = await loadCartTimeline(db, user, cart.id);
  const canWork = can(user.role, "work_carts");
  const allowed = canWork ? allowedTransitions({ kind: "user", role: user.role }, cart.status) : [];
  // Who has the cart: its assignee while they still work carts (listAssignees: active, in a working role).
  const assignees = canWork ? await listAssignees(db, user) : [];
  const holder = assignees.find((a) => a.id === cart.assigneeUserId) ?? null;
  const assignCheck = checkAssign(
    { role: user.role, userId: user.id },
    { status: cart.status, holderId: holder?.id ?? null, holderName: holder?.name },
    user.id,
  );
  const assignable = canWork && assignCheck.ok;
  // An agent on a cart someone else has: who has it, and why there is no Assign form.
  const heldElsewhere =
    canWork && !assignCheck.ok && ASSIGNABLE_STATUSES.includes(cart.status) && holder && holder.id !== user.id
      ? { name: holder.name, reason: assignCheck.reason }
      : null;
  // Why "Convert to order" is unavailable, or null when it is.
  const convertBlocked = !can(user.role, "convert_carts")
    ? "Converting a cart to an order needs a manager or an admin."
    : detail.order
      ? "This cart already has an order."
      : !CONVERTIBLE_STATUSES.has(cart.status) || !cart.isActive
        ? "Only an open cart that is still active in Magento can be converted."
        : null;
  const guestName = customerName({ firstName: cart.customerFirstName, lastName: cart.customerLastName });

  const events: TimelineEvent[] = [{ key: "created", at: cart.remoteCreatedAt, title: "Cart created in Magento" }];
  if (cart.remoteUpdatedAt && cart.remoteUpdatedAt.getTime() !== cart.remoteCreatedAt?.getTime()) {
    events.push({ key: "updated", at: cart.remoteUpdatedAt, title: "Last changed in Magento" });
  }
  if (cart.convertedAt) events.push({ key: "converted", at: cart.convertedAt, title: "Checked out in Magento" });
  const { abandonment } = detail;
  const lastActivity = cart.remoteUpdatedAt ?? cart.remoteCreatedAt;
  if (abandonment.abandoned && lastActivity) {
    events.push({
      key: "abandoned",
      at: new Date(lastActivity.getTime() + abandonment.delayHours * 3_600_000),
      title: "Abandoned",
      detail: `No change in Magento for ${describeDelay(abandonment.delayHours)}, the channel's abandonment delay.`,
    });
  }
  if (cart.statusChangedAt) {
    events.push({
      key: "status",
      at: cart.statusChangedAt,
      title: STATUS_TITLES[cart.status] ?? `Status: ${cart.status}`,
      detail: cart.statusMessage,
    });
  }

  return (
    <>
      <DetailHeader
        section="Sales"
        grid={{ label: "Shopping Carts", href: back.href }}
        title={`Cart ${cart.originId}`}
        badges={
          <>
            <StatusBadge value={cart.status} />
            {abandonment.abandoned ? <StatusBadge value="abandoned" /> : null}
            {cart.isGuest ? <StatusBadge value="guest" /> : null}
          </>
        }
        nav={nav}
        channelName={channel.name}
        syncedAt={detail.syncedAt}
        timeZone={timeZone}
        adminHref={null /* Magento's admin has no page for a quote. */}
        actions={
          <>
            {can(user.role, "run_syncs") ? <SyncRecordButton action={syncRecordAction} connector="carts" id={cart.id} /> : null}
            {convertBlocked === null ? (
              <Link href={`/sales/carts/${cart.id}/convert`} className={buttonClasses("primary")}>
                Convert to order
              </Link>
            ) : (
              <Button variant="secondary" disabled aria-describedby="cart-actions-note">
                Convert to order
              </Button>
            )}
            {canWork ? (
              <a href="#section-follow-up" className={buttonClasses("secondary")}>
                Follow up
              </a>
            ) : null}
            {convertBlocked === null ? null : (
              <span id="cart-actions-note" className="text-xs text-slate-500">
                {convertBlocked}
              </span>
            )}
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <DetailSection title="Items">
            <ItemsTable
              caption={`Items of cart ${cart.originId}`}
              currency={currency}
              items={detail.items.map((item) => ({
                key: item.id,
                sku: item.sku,
                name: item.name,
                qty: item.qty,
                price: item.price,
                rowTotal: item.rowTotal,
                removed: item.removedAt !== null,
              }))}
            />
            {detail.items.some((i) => i.removedAt !== null) ? (
              <p className="mt-3 text-xs text-slate-500">Struck-through items were removed from the cart in Magento.</p>
            ) : null}
          </DetailSection>
          <DetailSection title="Timeline">
            <Timeline events={events} timeZone={timeZone} />
          </DetailSection>
          <DetailSection title="Follow-up">
            <CartFollowUpTimeline entries={followUp} timeZone={timeZone} />
          </DetailSection>
        </div>
        <div className="min-w-0 space-y-6">
          {canWork ? (
            <DetailSection title="Follow-up actions">
              <CartFollowUpActions
                cartId={cart.id}
                allowed={allowed}
                lostReasons={LOST_REASONS.map((value) => ({ value, label: LOST_REASON_LABELS[value] }))}
                assign={
                  assignable ? { assignees, currentId: cart.assigneeUserId, selfOnly: !mayReassign(user.role), userId: user.id } : null
                }
                heldBy={heldElsewhere}
                actions={{ logContact: logContactAction, markLost: markLostAction, reopen: reopenCartAction, assign: assignCartsAction }}
              />
            </DetailSection>
          ) : null}
          <DetailSection title="Totals">
            <TotalsTable
              caption="Cart totals"
              currency={currency}
              rows={[
                { label: "Subtotal", value: cart.subtotal },
                ...(cart.subtotalWithDiscount !== null ? [{ label: "Subtotal after discount", value: cart.subtotalWithDiscount }] : []),
                { label: "Grand total", value: cart.grandTotal, emphasis: true },
              ]}
            />
            <p className="mt-3 text-sm text-slate-600">
              {countOf(cart.itemsCount, "item")}, quantity {formatDecimal(cart.itemsQty)}
              {cart.couponCode ? (
                <>
                  , coupon <span className="font-mono">{cart.couponCode}</span>
                </>
              ) : null}
            </p>
          </DetailSection>
          <DetailSection title={cart.isGuest ? "Guest" : "Customer"}>
            <Facts
              narrow
              items={[
                {
                  label: "Name",
                  value: (
                    <>
                      {detail.customer && !detail.customer.isGuest ? (
                        <Link href={`/customers/${detail.customer.id}`} className="font-medium text-brand-700 hover:underline">
                          {detail.customer.name ?? detail.customer.email}
                        </Link>
                      ) : (
                        (guestName ?? <span className="text-slate-400">—</span>)
                      )}
                      {detail.customer?.account ? (
                        <span className="block">
                          <AccountLink account={detail.customer.account} />
                        </span>
                      ) : null}
                    </>
                  ),
                },
                { label: "Email", value: detail.customer?.email ?? cart.customerEmail },
                { label: "Type", value: cart.isGuest ? "Guest (not registered)" : "Registered customer" },
                ...(detail.customer?.group ? [{ label: "Group", value: detail.customer.group }] : []),
              ]}
            />
          </DetailSection>
          <DetailSection title="Store and address">
            <Facts
              narrow
              items={[
                { label: "Website", value: detail.store?.websiteName },
                { label: "Store view", value: detail.store?.name },
                { label: "Billing country", value: cart.billingCountryId },
                { label: "Billing region", value: cart.billingRegion },
                { label: "Created", value: <DateTime value={cart.remoteCreatedAt} timeZone={timeZone} /> },
                { label: "Updated", value: <DateTime value={cart.remoteUpdatedAt} timeZone={timeZone} /> },
              ]}
            />
          </DetailSection>
          <DetailSection title="Order">
            {detail.order ? (
              <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
                <Link href={`/sales/orders/${detail.order.id}`} className="font-medium text-brand-700 hover:underline">
                  Order #{detail.order.incrementId}
                </Link>
                <StatusBadge value={detail.order.status} />
                <Money value={detail.order.grandTotal} currency={detail.order.currency} className="font-medium" />
              </div>
            ) : (
              <p className="text-sm text-slate-500">
                {cart.reservedOrderId ? `Order #${cart.reservedOrderId} reserved, not synced yet.` : "No order was placed from this cart."}
              </p>
            )}
          </DetailSection>
        </div>
      </div>
    </>
  );
}
