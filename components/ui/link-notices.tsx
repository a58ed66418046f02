// What a page could not use from its link (a stale bookmark, a hand-typed address), each part on
// its own line with what is shown instead: the grids, the dashboard and the reports say it alike.

export type LinkNotice = { param: string; message: string };

export function LinkNotices({ notices, className = "" }: { notices: readonly LinkNotice[]; className?: string }) {
  if (notices.length === 0) return null;
  return (
    <div
      role="status"
      data-testid="link-notices"
      className={`rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200 ${className}`}
    >
      <p className="font-medium">Part of this link was not understood:</p>
      <ul className="mt-1 list-disc pl-5">
        {notices.map((n, i) => (
          <li key={`${n.param}-${i}`}>{n.message}</li>
        ))}
      </ul>
    </div>
  );
}
