import Link from "next/link";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import type { SearchGroup } from "@/lib/search/global-search";

/** The results page of global search: one card per kind, each hit a link to its record. */
export function SearchResults({
  query,
  groups,
  notice,
  countCap,
}: {
  query: string | null;
  groups: SearchGroup[];
  notice: string | null;
  countCap: number;
}) {
  if (notice)
    return (
      <EmptyState title="Nothing searched yet">
        {notice} Type in the search box at the top of the page (press <kbd>/</kbd> to get there).
      </EmptyState>
    );
  if (groups.length === 0)
    return (
      <EmptyState title={`No matches for “${query}”`}>
        Names and emails match in part (three characters or more), order, cart and memo numbers in part or exactly.
      </EmptyState>
    );
  return (
    <div className="grid gap-5" data-testid="search-results">
      {groups.map((group) => {
        const headingId = `search-${group.kind}`;
        const rest = group.total !== null ? group.total - group.hits.length : null;
        return (
          <Card key={group.kind}>
            <section aria-labelledby={headingId}>
              <header className="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-200 px-5 py-3">
                <h2 id={headingId} className="text-base font-semibold text-slate-900">
                  {group.label}
                </h2>
                <span className="text-sm text-slate-600">
                  {group.more
                    ? rest !== null && group.total! <= countCap
                      ? `${group.hits.length} shown, ${rest} more`
                      : `${group.hits.length} shown, more than ${countCap - group.hits.length} more`
                    : `${group.hits.length} ${group.hits.length === 1 ? "match" : "matches"}`}
                </span>
              </header>
              <ul className="divide-y divide-slate-100">
                {group.hits.map((hit) => (
                  <li key={hit.id}>
                    <Link href={hit.href} className="block px-5 py-2.5 hover:bg-slate-50">
                      <span className="block text-sm font-medium text-brand-700">{hit.title}</span>
                      {hit.detail ? <span className="block text-xs text-slate-600">{hit.detail}</span> : null}
                    </Link>
                  </li>
                ))}
              </ul>
              {group.more ? (
                <p className="border-t border-slate-100 px-5 py-2.5 text-sm">
                  <Link href={group.gridHref} className="font-medium text-brand-700 hover:underline">
                    Search {group.label.toLowerCase()} in their list
                  </Link>{" "}
                  <span className="text-slate-600">(the list matches the beginnings of its searched columns)</span>
                </p>
              ) : null}
            </section>
          </Card>
        );
      })}
    </div>
  );
}
