import Link from "next/link";

export function UserMenu({
  name,
  email,
  roleLabel,
  signOut,
}: {
  name: string;
  email: string;
  roleLabel: string;
  signOut: () => Promise<void>;
}) {
  const initials = name
    .split(/\s+/)
    .map((part) => part[0] ?? "")
    .join("")
    .slice(0, 2)
    .toUpperCase();
  return (
    <details className="group relative">
      <summary
        aria-label="User menu"
        className="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1 hover:bg-slate-100 [&::-webkit-details-marker]:hidden"
      >
        <span aria-hidden className="flex h-8 w-8 items-center justify-center rounded-full bg-brand-600 text-xs font-semibold text-white">
          {initials}
        </span>
        <span className="hidden text-left sm:block">
          <span data-testid="user-name" className="block text-sm font-medium text-slate-900">
            {name}
          </span>
          <span data-testid="user-role" className="block text-xs text-slate-500">
            {roleLabel}
          </span>
        </span>
      </summary>
      <div className="absolute right-0 z-20 mt-2 w-64 rounded-lg bg-white p-2 shadow-lg ring-1 ring-slate-200">
        <div className="border-b border-slate-100 px-3 pb-2 pt-1">
          <p className="text-sm font-medium text-slate-900">{name}</p>
          <p className="truncate text-xs text-slate-500">{email}</p>
          <p className="mt-1 text-xs text-slate-500">Role: {roleLabel}</p>
        </div>
        <Link href="/account" className="mt-1 block rounded-md px-3 py-2 text-sm text-slate-700 hover:bg-slate-100">
          Settings
        </Link>
        <form action={signOut}>
          <button type="submit" className="w-full rounded-md px-3 py-2 text-left text-sm text-slate-700 hover:bg-slate-100">
            Sign out
          </button>
        </form>
      </div>
    </details>
  );
}
