import { Money } from "./money";
import { formatDecimal } from "@/lib/format/money";

export type ItemRow = {
  key: string | number;
  sku: string | null;
  name: string | null;
  qty: string;
  price: string;
  rowTotal: string | null;
  /** Shown struck through (e.g. removed from the cart in Magento). */
  removed?: boolean;
  /** A second line under the name (e.g. the size / colour a configurable product was bought in). */
  detail?: string | null;
  extra?: React.ReactNode;
};

/** Line items: SKU, name, qty, price, row total; numbers right-aligned; scrolls on narrow screens. */
export function ItemsTable({
  items,
  currency,
  caption,
  qtyLabel = "Qty",
  extraLabel,
}: {
  items: ItemRow[];
  currency: string | null;
  caption: string;
  qtyLabel?: string;
  extraLabel?: string;
}) {
  if (items.length === 0) return <p className="text-sm text-slate-500">No items.</p>;
  return (
    <div className="-mx-5 overflow-x-auto">
      <table className="w-full min-w-[36rem] text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-5 py-2 font-medium">
              SKU
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Name
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              {qtyLabel}
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Price
            </th>
            <th scope="col" className="px-5 py-2 text-right font-medium">
              Row total
            </th>
            {extraLabel ? (
              <th scope="col" className="px-5 py-2 font-medium">
                {extraLabel}
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((item) => (
            <tr key={item.key} className={item.removed ? "text-slate-400 line-through" : "text-slate-800"}>
              <td className="px-5 py-2 font-mono text-xs">
                {item.sku ?? "—"}
                {item.removed ? <span className="sr-only"> (removed from the cart)</span> : null}
              </td>
              <td className="px-3 py-2">
                {item.name ?? "—"}
                {item.detail ? <span className="block text-xs text-slate-500">{item.detail}</span> : null}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{formatDecimal(item.qty)}</td>
              <td className="px-3 py-2 text-right">
                <Money value={item.price} currency={currency} />
              </td>
              <td className="px-5 py-2 text-right">
                <Money value={item.rowTotal} currency={currency} />
              </td>
              {extraLabel ? <td className="px-5 py-2 no-underline">{item.extra}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
