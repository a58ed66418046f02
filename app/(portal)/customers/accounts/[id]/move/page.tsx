import type { Metadata } from "next";
import Link from "next/link";
import {
  AccountBackLine,
  AccountCandidatesTable,
  AccountCustomersTable,
  AccountSearchForm,
  AccountTypeBadge,
  accountValue,
} from "@/components/accounts/account-tables";
import { ConfirmChangeForm } from "@/components/accounts/change-form";
import { NewAccountForm } from "@/components/accounts/new-account-form";
import { DetailSection } from "@/components/detail/section";
import { PageHeader } from "@/components/ui/page-header";
import { loadAccountSummary, searchAccountsToPick } from "@/lib/accounts/pick";
import { requirePagePermission } from "@/lib/auth/session";
import { countOf } from "@/lib/format/count";
import { parseDetailId } from "@/lib/records/meta";
import { firstValue } from "@/lib/url-state";
import { accountToManage } from "../account-to-manage";
import { moveCustomerAction } from "../../manage-actions";

export const metadata: Metadata = { title: "Move customer" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const one = (value: string | string[] | undefined): string => firstValue(value) ?? "";

/** Move one customer of this account (with its merged guest checkouts) to another account or a new one. */
export default async function MoveCustomerPage({ params, searchParams }: Props) {
  const user = await requirePagePermission("manage_accounts");
  const { db, id, account } = await accountToManage(user, params);
  const query = await searchParams;
  const customerId = parseDetailId(one(query.customer));
  const customer = account.customers.find((c) => c.id === customerId && c.mergedIntoId === null) ?? null;
  const base = `/customers/accounts/${id}/move`;

  if (!customer) {
    return (
      <div className="space-y-6">
        <PageHeader
          breadcrumb="Customers › Accounts"
          title={`Move a customer of ${account.name}`}
          description="Choose the customer to move."
        />
        {customerId !== null ? (
          <p role="alert" className="text-sm text-red-800">
            That customer is not in {account.name} (or is a guest checkout merged into a customer: move that customer instead).
          </p>
        ) : null}
        <DetailSection title={`Customers of ${account.name}`}>
          <AccountCustomersTable
            customers={account.customers}
            caption={`Customers of ${account.name}`}
            moveHref={(c) => `${base}?customer=${c}`}
          />
        </DetailSection>
      </div>
    );
  }

  const q = one(query.q).trim();
  const targetId = parseDetailId(one(query.target));
  const target = targetId !== null && targetId !== id ? await loadAccountSummary(db, user, targetId) : null;
  const candidates = target ? [] : await searchAccountsToPick(db, user, { q, excludeId: id });
  const guests = account.customers.filter((c) => c.mergedIntoId === customer.id);
  const moving = [customer, ...guests];
  const withGuests = guests.length ? ` (with ${countOf(guests.length, "guest checkout")} merged into it)` : "";
  const pick = (accountId: number) => `${base}?customer=${customer.id}&q=${encodeURIComponent(q)}&target=${accountId}`;

  return (
    <div className="space-y-6">
      <PageHeader
        breadcrumb="Customers › Accounts"
        title={`Move ${customer.name} out of ${account.name}`}
        description="Choose the account the customer belongs to, or start a new one. The move can be undone from its page or the audit log."
      />
      <AccountBackLine account={account} />
      <DetailSection title="Moving">
        <AccountCustomersTable customers={moving} caption={`Customer rows that will move`} />
      </DetailSection>

      {target ? (
        <DetailSection title="Confirm the move">
          {target.mergedInto ? (
            <p role="alert" className="text-sm text-red-800">
              {target.name} was merged into {target.mergedInto.name}; choose that account instead.
            </p>
          ) : (
            <div className="space-y-4">
              <p className="text-base text-slate-900" data-testid="move-summary">
                {customer.name}
                {withGuests} moves from {account.name} to {target.name} (<AccountTypeBadge type={target.type} />,{" "}
                {countOf(target.customersCount, "customer")}, lifetime value {accountValue(target)}).
              </p>
              <div className="flex flex-wrap items-center gap-4">
                <ConfirmChangeForm
                  action={moveCustomerAction}
                  fields={{ customerId: String(customer.id), targetAccountId: String(target.id) }}
                  label={`Move to ${target.name}`}
                  pendingLabel="Moving…"
                />
                <Link
                  href={`${base}?customer=${customer.id}&q=${encodeURIComponent(q)}`}
                  className="text-sm font-medium text-brand-700 hover:underline"
                >
                  Choose another account
                </Link>
              </div>
            </div>
          )}
        </DetailSection>
      ) : (
        <>
          <DetailSection title="Move to an existing account">
            <div className="space-y-4">
              <AccountSearchForm action={base} q={q} hidden={{ customer: String(customer.id) }} />
              {q.length >= 2 ? (
                candidates.length ? (
                  <AccountCandidatesTable candidates={candidates} pickHref={pick} />
                ) : (
                  <p role="status" className="text-sm text-slate-600">
                    No other open account matches “{q}”.
                  </p>
                )
              ) : (
                <p className="text-sm text-slate-600">Type at least 2 characters of a name or an email.</p>
              )}
            </div>
          </DetailSection>
          <DetailSection title="Or move to a new account">
            <NewAccountForm action={moveCustomerAction} customerId={customer.id} suggestedName={customer.name} />
          </DetailSection>
        </>
      )}
    </div>
  );
}
