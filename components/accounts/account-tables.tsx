import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { countOf } from "@/lib/format/count";
import { formatMoney } from "@/lib/format/money";
import type { AccountCandidate, AccountCustomer, AccountSummary } from "@/lib/accounts/pick";

// The tables of the merge and move pages: an account's customers, and the accounts one may pick.

const TYPE_LABEL = { person: "Person", company: "Company" } as const;

export function AccountTypeBadge({ type }: { type: "person" | "company" }) {
  return <Badge tone={type === "company" ? "blue" : "neutral"}>{TYPE_LABEL[type]}</Badge>;
}

/** Lifetime value in the global currency; "mixed currencies" when the account's stores differ. */
export function accountValue(a: { lifetimeValue: string; currencyCode: string | null; mixedCurrencies: boolean }): string {
  return a.mixedCurrencies ? "mixed currencies" : formatMoney(a.lifetimeValue, a.currencyCode);
}

const TH = "px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-slate-500";
const TD = "px-3 py-2 align-top";

/** The line under a merge or move page's header: back to the account, its type, customers and (optionally) value. */
export function AccountBackLine({
  account,
  withValue = false,
}: {
  account: Omit<AccountSummary, "mergedInto" | "customers">;
  withValue?: boolean;
}) {
  return (
    <p className="text-sm text-slate-600">
      <Link href={`/customers/accounts/${account.id}`} className="font-medium text-brand-700 hover:underline">
        Back to {account.name}
      </Link>{" "}
      · <AccountTypeBadge type={account.type} /> · {countOf(account.customersCount, "customer")}
      {withValue ? ` · lifetime value ${accountValue(account)}` : null}
    </p>
  );
}

/** An account's customers; `moveHref` adds a "Move…" link on each row that may move alone. */
export function AccountCustomersTable({
  customers,
  caption,
  moveHref,
}: {
  customers: AccountCustomer[];
  caption: string;
  moveHref?: (customerId: number) => string;
}) {
  if (customers.length === 0) return <p className="text-sm text-slate-600">No customers.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200">
          <tr>
            <th scope="col" className={TH}>
              Customer
            </th>
            <th scope="col" className={TH}>
              Email
            </th>
            <th scope="col" className={TH}>
              Channel
            </th>
            <th scope="col" className={TH}>
              Kind
            </th>
            {moveHref ? (
              <th scope="col" className={TH}>
                <span className="sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {customers.map((c) => (
            <tr key={c.id}>
              <td className={TD}>
                <Link href={`/customers/${c.id}`} className="font-medium text-brand-700 hover:underline">
                  {c.name}
                </Link>
              </td>
              <td className={`${TD} text-slate-700`}>{c.email}</td>
              <td className={`${TD} text-slate-700`}>{c.channelName}</td>
              <td className={`${TD} text-slate-700`}>
                {c.mergedIntoId !== null
                  ? `Guest checkout, merged into ${c.mergedIntoName ?? "a customer"}`
                  : c.isGuest
                    ? "Guest"
                    : "Registered"}
              </td>
              {moveHref ? (
                <td className={TD}>
                  {c.mergedIntoId === null ? (
                    <Link href={moveHref(c.id)} className="font-medium text-brand-700 hover:underline" aria-label={`Move ${c.name}`}>
                      Move…
                    </Link>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Accounts found by the search, each with a link that picks it. */
export function AccountCandidatesTable({
  candidates,
  pickHref,
}: {
  candidates: AccountCandidate[];
  pickHref: (accountId: number) => string;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">Accounts found</caption>
        <thead className="border-b border-slate-200">
          <tr>
            <th scope="col" className={TH}>
              Account
            </th>
            <th scope="col" className={TH}>
              Type
            </th>
            <th scope="col" className={`${TH} text-right`}>
              Customers
            </th>
            <th scope="col" className={`${TH} text-right`}>
              Lifetime value
            </th>
            <th scope="col" className={TH}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {candidates.map((a) => (
            <tr key={a.id}>
              <td className={TD}>
                <span className="font-medium text-slate-900">{a.name}</span>
                {a.emails.length ? <span className="block text-xs text-slate-500">{a.emails.join(", ")}</span> : null}
              </td>
              <td className={TD}>
                <AccountTypeBadge type={a.type} />
              </td>
              <td className={`${TD} text-right tabular-nums`}>{a.customersCount.toLocaleString("en-US")}</td>
              <td className={`${TD} text-right tabular-nums`}>{accountValue(a)}</td>
              <td className={`${TD} text-right`}>
                <Link href={pickHref(a.id)} className="font-medium text-brand-700 hover:underline" aria-label={`Choose ${a.name}`}>
                  Choose
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The GET form that searches accounts by name or email (works without JavaScript). */
export function AccountSearchForm({ action, q, hidden }: { action: string; q: string; hidden?: Record<string, string> }) {
  return (
    <form method="get" action={action} role="search" className="flex flex-wrap items-end gap-2">
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div className="min-w-64 flex-1">
        <label htmlFor="account-q" className="block text-sm font-medium text-slate-800">
          Find an account by name or email
        </label>
        <input
          id="account-q"
          name="q"
          type="search"
          defaultValue={q}
          minLength={2}
          maxLength={100}
          className="mt-1 block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-xs ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-brand-500"
        />
      </div>
      <button
        type="submit"
        className="rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-800 shadow-xs ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
      >
        Search
      </button>
    </form>
  );
}
