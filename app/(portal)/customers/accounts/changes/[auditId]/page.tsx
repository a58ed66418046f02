import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AccountCustomersTable, AccountTypeBadge, accountValue } from "@/components/accounts/account-tables";
import { UndoChangeButton } from "@/components/accounts/undo-change-button";
import { DetailSection } from "@/components/detail/section";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db/client";
import { ACCOUNT_MERGE, ACCOUNT_MOVE, loadAccountChange } from "@/lib/accounts/manage";
import { loadAccountSummary } from "@/lib/accounts/pick";
import { actionLabel, describeDetails } from "@/lib/audit/describe";
import { requirePagePermission } from "@/lib/auth/session";
import { countOf } from "@/lib/format/count";
import { DateTime } from "@/components/detail/date-time";
import { parseDetailId } from "@/lib/records/meta";
import { viewerTimeZone } from "@/lib/users/time-zone";
import { undoAccountChangeAction } from "../../manage-actions";

export const metadata: Metadata = { title: "Account change" };

type Props = { params: Promise<{ auditId: string }> };

const sentence = (line: string) => `${line.charAt(0).toUpperCase()}${line.slice(1)}.`;

const refId = (value: unknown): number | null => {
  const id = Number((value as { id?: unknown } | null)?.id);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
};

/**
 * Where a merge or a move lands: what was done, Undo (managers cannot open the audit log, so this is
 * their way back), and the account the customers are in now.
 */
export default async function AccountChangePage({ params }: Props) {
  const user = await requirePagePermission("manage_accounts");
  const auditId = parseDetailId((await params).auditId);
  if (auditId === null) notFound();
  const db = await getDb();
  const change = await loadAccountChange(db, user, auditId);
  if (!change) notFound();
  const d = change.details;
  const accountId =
    change.action === ACCOUNT_MERGE ? refId(d.target) : change.action === ACCOUNT_MOVE ? refId(d.to) : (refId(d.source) ?? refId(d.from));
  const timeZone = await viewerTimeZone(db, user);
  // Where an undo put the customers back: the merged-away account, or the account a customer left.
  const restoredId = change.action === ACCOUNT_MERGE ? refId(d.source) : change.action === ACCOUNT_MOVE ? refId(d.from) : null;
  const account = accountId === null ? null : await loadAccountSummary(db, user, accountId);

  return (
    <div className="space-y-6">
      <PageHeader breadcrumb="Customers › Accounts" title={actionLabel(change.action)} />
      <div role="status" className="rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-900 ring-1 ring-inset ring-emerald-200">
        <ul className="space-y-0.5">
          {describeDetails(change.action, d).map((line, i) => (
            <li key={i}>{sentence(line)}</li>
          ))}
        </ul>
        <p className="mt-2 text-xs text-emerald-800">
          By {change.actor}, <DateTime value={new Date(change.at)} timeZone={timeZone} /> · audit entry #{change.auditId}
        </p>
      </div>
      {change.undo ? (
        <div role="status" className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
          <p className="font-medium">Undone</p>
          <ul className="mt-1 space-y-0.5">
            {describeDetails("account.undo", change.undo.details).map((line, i) => (
              <li key={i}>{sentence(line)}</li>
            ))}
          </ul>
          {restoredId !== null ? (
            <p className="mt-1">
              <Link href={`/customers/accounts/${restoredId}`} className="font-medium text-brand-700 hover:underline">
                Open the restored account
              </Link>
            </p>
          ) : null}
          <p className="mt-2 text-xs">
            By {change.undo.actor}, <DateTime value={new Date(change.undo.at)} timeZone={timeZone} /> · audit entry #{change.undo.auditId}
          </p>
        </div>
      ) : null}
      {change.undo ? null : change.undoRefusal === null ? (
        <UndoChangeButton
          action={undoAccountChangeAction}
          auditId={change.auditId}
          label={change.action === ACCOUNT_MERGE ? "Undo the merge" : "Undo the move"}
        />
      ) : (
        <p className="text-sm text-slate-600">{change.undoRefusal}</p>
      )}
      {account ? (
        <DetailSection
          title={`${account.name} now`}
          actions={
            <Link
              href={`/customers/accounts/${account.mergedInto?.id ?? account.id}`}
              className="text-sm font-medium text-brand-700 hover:underline"
            >
              Open the account
            </Link>
          }
        >
          <div className="space-y-3">
            <p className="text-sm text-slate-600">
              <AccountTypeBadge type={account.type} /> · {countOf(account.customersCount, "customer")} · lifetime value{" "}
              {accountValue(account)}
              {account.mergedInto ? ` · since merged into ${account.mergedInto.name}` : ""}
            </p>
            <AccountCustomersTable customers={account.customers} caption={`Customers of ${account.name}`} />
          </div>
        </DetailSection>
      ) : accountId !== null ? (
        <p className="text-sm text-slate-600">The account of this change no longer exists.</p>
      ) : null}
    </div>
  );
}
