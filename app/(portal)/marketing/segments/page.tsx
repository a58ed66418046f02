import type { Metadata } from "next";
import Link from "next/link";
import { DeleteSegmentButton } from "@/components/segments/delete-segment-button";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db/client";
import { requirePagePermission } from "@/lib/auth/session";
import { listVisibleSegments } from "@/lib/segments/apply";
import { canEditSegment, countSegment, SEGMENT_ENTITY_LABELS, SEGMENT_ENTITY_PATHS } from "@/lib/segments/segments";
import { deleteSegmentAction } from "./actions";

export const metadata: Metadata = { title: "Segments" };

export default async function Page() {
  const user = await requirePagePermission("view_sales");
  const db = await getDb();
  const segments = await listVisibleSegments(db, user);
  // Live counts: each segment's own capped count, run side by side.
  const counts = await Promise.all(segments.map((s) => countSegment(db, user, s)));
  return (
    <>
      <PageHeader
        breadcrumb="Marketing"
        title="Segments"
        description="Saved filters over customers, newsletter subscribers or carts, with live counts: open one as a list, or export it as CSV for an email tool."
        actions={
          <Link href="/marketing/segments/new" className={buttonClasses("primary")}>
            New segment
          </Link>
        }
      />
      {segments.length === 0 ? (
        <EmptyState title="No segments yet" action={{ href: "/customers", label: "Filter the customers" }}>
          Filter a list of customers, subscribers or carts, then choose “Save as segment”.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          <table className="min-w-full text-left text-sm" data-testid="segments-table">
            <caption className="sr-only">Segments you can use</caption>
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2.5">
                  Name
                </th>
                <th scope="col" className="px-4 py-2.5">
                  Selects
                </th>
                <th scope="col" className="px-4 py-2.5">
                  Visibility
                </th>
                <th scope="col" className="px-4 py-2.5">
                  Owner
                </th>
                <th scope="col" className="px-4 py-2.5 text-right">
                  Count now
                </th>
                <th scope="col" className="px-4 py-2.5">
                  Actions
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {segments.map((s, i) => {
                const count = counts[i]!;
                const open = `${SEGMENT_ENTITY_PATHS[s.entity]}?segment=${s.id}`;
                return (
                  <tr key={s.id}>
                    <th scope="row" className="px-4 py-2 font-medium">
                      <Link href={open} className="text-brand-700 hover:underline">
                        {s.name}
                      </Link>
                    </th>
                    <td className="px-4 py-2">{SEGMENT_ENTITY_LABELS[s.entity]}</td>
                    <td className="px-4 py-2">{s.shared ? <Badge tone="blue">Shared</Badge> : <Badge tone="neutral">Private</Badge>}</td>
                    <td className="px-4 py-2">{s.ownerUserId === user.id ? "You" : (s.ownerName ?? "—")}</td>
                    <td className="px-4 py-2 text-right tabular-nums" data-testid={`segment-count-${s.id}`}>
                      {count.count.toLocaleString("en-US")}
                      {count.capped ? "+" : ""}
                    </td>
                    <td className="space-x-3 whitespace-nowrap px-4 py-2">
                      <Link href={open} className="font-medium text-brand-700 hover:underline">
                        Open
                      </Link>
                      <a href={`/export/${s.entity}?segment=${s.id}`} className="font-medium text-brand-700 hover:underline">
                        Export CSV
                      </a>
                      {canEditSegment(user, s) ? (
                        <>
                          <Link href={`/marketing/segments/${s.id}/edit`} className="font-medium text-brand-700 hover:underline">
                            Edit
                          </Link>
                          <DeleteSegmentButton action={deleteSegmentAction} id={s.id} name={s.name} />
                        </>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
