import { EmptyState } from "@/components/ui/empty-state";

/** The 404 of a detail page: unknown, removed or malformed id. */
export function DetailNotFound({ noun, listHref, listLabel }: { noun: string; listHref: string; listLabel: string }) {
  return (
    <EmptyState title={`This ${noun} does not exist`} action={{ href: listHref, label: `Back to ${listLabel}` }}>
      <p>It may have been removed in Magento, or the link is wrong.</p>
    </EmptyState>
  );
}
