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
import { DetailSection } from "@/components/detail/section";
import { PageHeader } from "@/components/ui/page-header";
import { loadAccountSummary, searchAccountsToPick } from "@/lib/accounts/pick";
import { requirePagePermission } from "@/lib/auth/session";
import { countOf } from "@/lib/format/count";
import { parseDetailId } from "@/lib/records/meta";
import { firstValue } from "@/lib/url-state";
import { accountToManage } from "../account-to-manage";
import { mergeAccountsAction } from "../../manage-actions";

export const metadata: Metadata = { title: "Merge account" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const one = (value: string | string[] | undefined): string => firstValue(value) ?? "";

/** Merge this account into another: find the target, see what will happen, confirm. */
export default async function MergeAccountPage({ params, searchParams }: Props) {
  const user = await requirePagePermission("manage_accounts");
  const { db, id, account: source } = await accountToManage(user, params);
  const query = await searchParams;
  const q = one(query.q).trim();
  const targetId = parseDetailId(one(query.target));
  const base = `/customers/accounts/${id}/merge`;

  if (source.mergedInto) {
    return (
      <>
        <PageHeader breadcrumb="Customers › Accounts" title={`Merge ${source.name}`} />
        <p role="status" className="text-sm text-slate-700">
          {source.name} was merged into{" "}
          <Link href={`/customers/accounts/${source.mergedInto.id}`} className="font-medium text-brand-700 hover:underline">
            {source.mergedInto.name}
          </Link>{" "}
          already; merge that account instead.
        </p>
      </>
    );
  }

  const target = targetId !== null && targetId !== id ? await loadAccountSummary(db, user, targetId) : null;
  const candidates = target ? [] : await searchAccountsToPick(db, user, { q, excludeId: id });
  const moving = source.customers.filter((c) => c.mergedIntoId === null).length;

  return (
    <div className="space-y-6">
      <PageHeader
        breadcrumb="Customers › Accounts"
        title={`Merge ${source.name} into another account`}
        description="Its customers join the account you choose and it is closed. The merge can be undone from its page or the audit log."
      />
      <AccountBackLine account={source} withValue />

      {target ? (
        <DetailSection title="Confirm the merge">
          {target.mergedInto ? (
            <p role="alert" className="text-sm text-red-800">
              {target.name} was merged into {target.mergedInto.name}; choose that account instead.{" "}
              <Link href={base} className="font-medium text-brand-700 hover:underline">
                Choose another account
              </Link>
            </p>
          ) : (
            <div className="space-y-4">
              <p className="text-base text-slate-900" data-testid="merge-summary">
                {countOf(moving, "customer")} of {source.name} {moving === 1 ? "joins" : "join"} {target.name}; {source.name} is closed and
                can be restored from the audit log.
              </p>
              <p className="text-sm text-slate-600">
                {target.name}: <AccountTypeBadge type={target.type} /> · {countOf(target.customersCount, "customer")} · lifetime value{" "}
                {accountValue(target)}
              </p>
              <AccountCustomersTable customers={source.customers} caption={`Customers of ${source.name} that will join ${target.name}`} />
              <div className="flex flex-wrap items-center gap-4">
                <ConfirmChangeForm
                  action={mergeAccountsAction}
                  fields={{ sourceId: String(source.id), targetId: String(target.id) }}
                  label={`Merge into ${target.name}`}
                  pendingLabel="Merging…"
                />
                <Link href={`${base}?q=${encodeURIComponent(q)}`} className="text-sm font-medium text-brand-700 hover:underline">
                  Choose another account
                </Link>
              </div>
            </div>
          )}
        </DetailSection>
      ) : (
        <DetailSection title="Choose the account to merge into">
          <div className="space-y-4">
            <AccountSearchForm action={base} q={q} />
            {q.length >= 2 ? (
              candidates.length ? (
                <AccountCandidatesTable
                  candidates={candidates}
                  pickHref={(accountId) => `${base}?q=${encodeURIComponent(q)}&target=${accountId}`}
                />
              ) : (
                <p role="status" className="text-sm text-slate-600">
                  No open account matches “{q}”.
                </p>
              )
            ) : (
              <p className="text-sm text-slate-600">Type at least 2 characters of a name or an email.</p>
            )}
          </div>
        </DetailSection>
      )}
    </div>
  );
}
