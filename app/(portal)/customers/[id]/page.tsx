import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { syncRecordAction } from "@/app/(portal)/record-actions";
import {
  changeSubscriptionAction,
  dismissOverrideAction,
  registerCustomerAction,
  retryPushAction,
  revertPushAction,
} from "@/app/(portal)/customers/two-way-actions";
import { ActionButton } from "@/components/two-way/action-button";
import { fieldMarks, PushBanners } from "@/components/two-way/push-banners";
import { GridView } from "@/components/data-grid/grid-view";
import { LifetimeFiguresList } from "@/components/detail/lifetime-figures";
import { AddressBlock } from "@/components/detail/address-block";
import { AccountLink } from "@/components/accounts/account-link";
import { DateTime } from "@/components/detail/date-time";
import { DetailHeader } from "@/components/detail/detail-header";
import { Money } from "@/components/detail/money";
import { DetailSection, Facts } from "@/components/detail/section";
import { StatusBadge } from "@/components/detail/status-badge";
import { SyncRecordButton } from "@/components/detail/sync-record-button";
import { buttonClasses } from "@/components/ui/button";
import { TabLinks } from "@/components/detail/tabs";
import { Timeline } from "@/components/detail/timeline";
import { Badge } from "@/components/ui/badge";
import { SimpleTable } from "@/components/ui/simple-table";
import { getDb } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission, type SessionUser } from "@/lib/auth/session";
import { customerName } from "@/lib/customers/name";
import { formatDecimal } from "@/lib/format/money";
import { cartsGrid } from "@/lib/carts/grid";
import { creditMemosGrid } from "@/lib/credit-memos/grid";
import { customersGrid } from "@/lib/customers/grid";
import { ordersGrid } from "@/lib/orders/grid";
import type { SearchParams } from "@/lib/grid/params";
import {
  loadCustomerActivity,
  loadCustomerDetail,
  loadCustomerPurchases,
  parseCustomerTab,
  TAB_LIMIT,
  type CustomerTab,
} from "@/lib/customers/detail";
import { detailNavigation } from "@/lib/browse/detail-navigation";
import { parseDetailId } from "@/lib/records/meta";
import { customerPushState, loadCustomerEdit, type CustomerField } from "@/lib/customers/two-way/service";

export const metadata: Metadata = { title: "Customer" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> };

const GENDERS: Record<number, string> = { 1: "Male", 2: "Female", 3: "Not specified" };

const TABS: { id: CustomerTab; label: string }[] = [
  { id: "orders", label: "Orders" },
  { id: "carts", label: "Carts" },
  { id: "credit_memos", label: "Credit memos" },
  { id: "purchases", label: "Recent purchases" },
  { id: "activity", label: "Activity" },
];

export default async function CustomerPage({ params, searchParams }: Props) {
  const user = await requirePagePermission("view_sales");
  const id = parseDetailId((await params).id);
  if (id === null) notFound();
  const db = await getDb();
  const detail = await loadCustomerDetail(db, user, id);
  if (!detail) notFound();
  const query = await searchParams;
  const { timeZone, back, nav } = await detailNavigation(db, user, customersGrid, "/customers", id, query);
  const { customer, channel, figures } = detail;
  const tab = parseCustomerTab(query.tab);
  const name = customerName(customer);
  const carry = back.carry ? `&${back.carry.slice(1)}` : "";
  const subscribed =
    detail.subscription?.status ?? (customer.isSubscribed === null ? null : customer.isSubscribed ? "subscribed" : "unsubscribed");
  // Two-way sync: what may be changed from here, and the changes on their way to Magento.
  const mayEdit = can(user.role, "edit_customers");
  const [edit, pushes] = await Promise.all([loadCustomerEdit(db, user, customer.id), customerPushState(db, user, customer.id)]);
  const pushParam = Array.isArray(query.push) ? query.push[0] : query.push;
  const justPushed = pushParam && /^\d{1,15}$/.test(pushParam) ? Number(pushParam) : null;
  const subscribedNow = edit?.subscribed ?? customer.isSubscribed ?? null;
  // Why the profile (the newsletter included) cannot be changed here: said once, at the section's top.
  const profileReadOnly = mayEdit && edit && !edit.editable && edit.readOnlyReason ? edit.readOnlyReason : null;
  // A field with a change on its way (or refused) says so next to its value.
  const marks = fieldMarks(pushes);
  const mark = (...fields: CustomerField[]) => {
    const states = fields.map((f) => marks.get(f)).filter(Boolean);
    if (states.includes("refused")) return <Badge tone="red">Not saved in Magento</Badge>;
    if (states.includes("saving")) return <Badge tone="blue">Saving to Magento…</Badge>;
    return null;
  };
  const marked = (value: React.ReactNode, ...fields: CustomerField[]) => {
    const badge = mark(...fields);
    return badge ? (
      <span className="flex flex-wrap items-center gap-2">
        {value ?? <span className="text-slate-400">—</span>}
        {badge}
      </span>
    ) : (
      value
    );
  };

  return (
    <>
      <DetailHeader
        section="Customers"
        grid={{ label: "Magento Customers", href: back.href }}
        title={name}
        badges={
          <>
            {customer.isGuest ? <Badge tone="amber">Guest</Badge> : <Badge tone="blue">Registered</Badge>}
            {mark("firstname", "lastname")}
          </>
        }
        nav={nav}
        channelName={channel.name}
        syncedAt={detail.syncedAt}
        timeZone={timeZone}
        adminHref={
          channel.adminUrl && customer.originId !== null ? `${channel.adminUrl}/customer/index/edit/id/${customer.originId}/` : null
        }
        actions={
          <>
            <AccountLink account={detail.account} />
            {can(user.role, "run_syncs") && customer.originId !== null ? (
              <SyncRecordButton action={syncRecordAction} connector="customers" id={customer.id} />
            ) : null}
            {mayEdit && edit?.editable ? (
              <Link href={`/customers/${customer.id}/edit`} className={buttonClasses("secondary")}>
                Edit
              </Link>
            ) : null}
            {mayEdit && edit?.canRegister ? (
              <ActionButton
                action={registerCustomerAction}
                fields={{ customerId: customer.id }}
                label="Register in Magento"
                pendingLabel="Registering…"
                formLabel="Register in Magento"
              />
            ) : null}
            {can(user.role, "convert_carts") ? (
              customer.isGuest || customer.originId === null ? (
                <span className="text-sm text-slate-500" title="Magento keeps carts for registered customers only">
                  No new cart: guests have no Magento account
                </span>
              ) : (
                <Link href={`/customers/${customer.id}/new-cart`} className={buttonClasses("secondary")}>
                  New cart
                </Link>
              )
            ) : null}
          </>
        }
      />
      {customer.isGuest ? (
        <p className="mb-6 rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
          A guest: someone who checked out without an account. The portal groups their orders and carts by email; Magento has no customer
          record for them.
          {detail.mergedInto ? (
            <>
              {" "}
              They later registered as{" "}
              <Link href={`/customers/${detail.mergedInto.id}`} className="font-medium underline">
                {detail.mergedInto.email}
              </Link>
              .
            </>
          ) : null}
        </p>
      ) : null}
      <PushBanners
        customerId={customer.id}
        state={pushes}
        timeZone={timeZone}
        canAct={mayEdit}
        actions={{ retry: retryPushAction, revert: revertPushAction, dismiss: dismissOverrideAction }}
        justPushed={justPushed}
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <DetailSection
            title="Profile"
            actions={
              profileReadOnly ? (
                <p className="max-w-md text-right text-xs text-slate-500">
                  <span className="font-medium">Read-only here:</span> {profileReadOnly}
                </p>
              ) : null
            }
          >
            <Facts
              items={[
                {
                  label: "Email",
                  value: marked(
                    <a href={`mailto:${customer.email}`} className="text-brand-700 hover:underline">
                      {customer.email}
                    </a>,
                    "email",
                  ),
                },
                { label: "Group", value: marked(detail.group, "groupOriginId") },
                { label: "Website", value: detail.websiteName },
                { label: "Store view", value: detail.store?.name ?? customer.createdIn },
                { label: "Date of birth", value: marked(customer.dob, "dob") },
                { label: "Gender", value: marked(customer.gender ? GENDERS[customer.gender] : null, "gender") },
                { label: "Tax / VAT number", value: customer.taxvat },
                { label: "Customer since", value: <DateTime value={customer.remoteCreatedAt} timeZone={timeZone} /> },
                { label: "Updated in Magento", value: <DateTime value={customer.remoteUpdatedAt} timeZone={timeZone} /> },
                {
                  label: "Newsletter",
                  value: (
                    <div className="flex flex-wrap items-start gap-3">
                      {subscribed ? <StatusBadge value={subscribed} /> : <span className="text-slate-500">Unknown</span>}
                      {mayEdit && edit?.canChangeSubscription ? (
                        <ActionButton
                          action={changeSubscriptionAction}
                          fields={{ customerIds: customer.id, subscribed: subscribedNow ? "0" : "1" }}
                          label={subscribedNow ? "Unsubscribe" : "Subscribe"}
                          pendingLabel={subscribedNow ? "Unsubscribing…" : "Subscribing…"}
                          formLabel="Newsletter subscription"
                        />
                      ) : mayEdit && edit?.subscriptionReason && !profileReadOnly ? (
                        <span className="text-xs text-slate-500">{edit.subscriptionReason}</span>
                      ) : null}
                    </div>
                  ),
                },
              ]}
            />
          </DetailSection>
          <DetailSection title="Addresses" actions={mark("addresses")}>
            {detail.addresses.length === 0 ? (
              <p className="text-sm text-slate-500">
                {customer.isGuest ? "Guests keep no address book; see the addresses on their orders." : "No addresses in the address book."}
              </p>
            ) : (
              <div className="grid gap-6 sm:grid-cols-2">
                {detail.addresses.map((address) => (
                  <div key={address.id}>
                    <AddressBlock address={address} />
                    <p className="mt-1 flex gap-1">
                      {address.isDefaultBilling ? <Badge>Default billing</Badge> : null}
                      {address.isDefaultShipping ? <Badge>Default shipping</Badge> : null}
                    </p>
                  </div>
                ))}
              </div>
            )}
          </DetailSection>
        </div>
        <div className="min-w-0 space-y-6">
          <DetailSection title="Lifetime">
            <LifetimeFiguresList figures={figures} timeZone={timeZone} />
            <p className="mt-3 text-xs text-slate-500">
              Lifetime value: subtotal after discounts of orders not canceled, in the store&apos;s global currency
              {figures.currency ? ` (${figures.currency})` : ""} at each order&apos;s own rate, as Magento&apos;s reports add it up.
            </p>
          </DetailSection>
        </div>
      </div>
      <div className="mt-8 min-w-0 space-y-4">
        <TabLinks
          label="Customer records"
          active={tab}
          tabs={TABS.map((t) => ({ id: t.id, label: t.label, href: `/customers/${customer.id}?tab=${t.id}${carry}` }))}
        />
        <CustomerTabView tab={tab} customerId={customer.id} customerLabel={name} user={user} searchParams={query} timeZone={timeZone} />
      </div>
    </>
  );
}

async function CustomerTabView({
  tab,
  customerId,
  customerLabel,
  user,
  searchParams,
  timeZone,
}: {
  tab: CustomerTab;
  customerId: number;
  customerLabel: string;
  user: SessionUser;
  searchParams: SearchParams;
  timeZone: string;
}) {
  // Each list is the shared grid, narrowed to this customer. Its links must keep the tab: this needs
  // gridHref (components/data-grid/grid-url.ts) to join with "&" when the base path has a query.
  const basePath = tab === "orders" ? `/customers/${customerId}` : `/customers/${customerId}?tab=${tab}`;
  if (tab === "orders") {
    return (
      <GridView
        definition={ordersGrid}
        searchParams={searchParams}
        basePath={basePath}
        user={user}
        scope={{ sql: "o.customer_id", value: customerId, label: customerLabel }}
      />
    );
  }
  if (tab === "carts") {
    return (
      <GridView
        definition={cartsGrid}
        searchParams={searchParams}
        basePath={basePath}
        user={user}
        scope={{ sql: "ct.customer_id", value: customerId, label: customerLabel }}
      />
    );
  }
  if (tab === "credit_memos") {
    return (
      <GridView
        definition={creditMemosGrid}
        searchParams={searchParams}
        basePath={basePath}
        user={user}
        scope={{ sql: "m.customer_id", value: customerId, label: customerLabel }}
      />
    );
  }
  const db = await getDb();
  if (tab === "activity") {
    const events = await loadCustomerActivity(db, user, customerId);
    if (events.length === 0) return <p className="text-sm text-slate-500">No activity yet.</p>;
    return (
      <Timeline
        timeZone={timeZone}
        events={events.map((event) => ({
          key: event.key,
          at: event.at,
          title: event.title,
          detail: event.detail,
          href: event.href,
        }))}
        note={
          events.length === TAB_LIMIT ? `The newest ${TAB_LIMIT} events are shown.` : "Follow-up calls and emails will appear here too."
        }
      />
    );
  }
  // Order items have no grid of their own: the newest lines across the customer's orders.
  const purchases = await loadCustomerPurchases(db, user, customerId);
  if (purchases.length === 0) return <p className="text-sm text-slate-500">No purchases yet.</p>;
  return (
    <>
      <SimpleTable
        columns={[
          { label: "Order" },
          { label: "Date" },
          { label: "SKU" },
          { label: "Name" },
          { label: "Qty", align: "right" },
          { label: "Price", align: "right" },
          { label: "Row total", align: "right" },
        ]}
      >
        {purchases.map((row) => (
          <tr key={row.id}>
            <td className="px-5 py-2">
              <Link href={`/sales/orders/${row.orderId}`} className="font-medium text-brand-700 hover:underline">
                #{row.incrementId}
              </Link>
            </td>
            <td className="px-5 py-2 whitespace-nowrap">
              <DateTime value={row.createdAt} timeZone={timeZone} />
            </td>
            <td className="px-5 py-2 font-mono text-xs">{row.sku}</td>
            <td className="px-5 py-2">{row.name ?? "—"}</td>
            <td className="px-5 py-2 text-right tabular-nums">{formatDecimal(row.qty)}</td>
            <td className="px-5 py-2 text-right">
              <Money value={row.price} currency={row.currency} />
            </td>
            <td className="px-5 py-2 text-right">
              <Money value={row.rowTotal} currency={row.currency} />
            </td>
          </tr>
        ))}
      </SimpleTable>
      {purchases.length === TAB_LIMIT ? <p className="text-xs text-slate-500">The newest {TAB_LIMIT} order lines are shown.</p> : null}
    </>
  );
}
