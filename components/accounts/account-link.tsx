import Link from "next/link";

/** "Account: <name>" on a record's page: the account its customer belongs to (issue 22). */
export function AccountLink({ account }: { account: { id: number; name: string } | null | undefined }) {
  if (!account) return null;
  return (
    <Link href={`/customers/accounts/${account.id}`} className="font-medium text-brand-700 hover:underline">
      Account: {account.name}
    </Link>
  );
}
