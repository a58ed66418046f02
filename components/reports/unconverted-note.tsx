import { countOf } from "@/lib/format/count";
// Records synced before the portal read Magento's base amounts: they are counted, but their money is
// left out of converted figures rather than added in another currency. Said, with what fixes it.

export function UnconvertedNote({ counts }: { counts: { orders?: number; refunds?: number; carts?: number } }) {
  const parts = [
    counts.orders ? countOf(counts.orders, "order") : null,
    counts.refunds ? countOf(counts.refunds, "credit memo") : null,
    counts.carts ? countOf(counts.carts, "abandoned cart") : null,
  ].filter((p): p is string => p !== null);
  if (parts.length === 0) return null;
  return (
    <p
      role="note"
      className="my-4 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
      data-testid="unconverted-note"
    >
      <span className="font-medium">Incomplete amounts:</span> {new Intl.ListFormat("en", { type: "conjunction" }).format(parts)} in this
      range were synced before the portal read Magento&apos;s base amounts, so their money is not in these figures yet (they are counted).
      The next sync of the channel reads them again and completes the figures.
    </p>
  );
}
