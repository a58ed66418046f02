import { Money } from "./money";

export type TotalRow = { label: string; value: string | null | undefined; emphasis?: boolean };

/** Totals of a record, amounts right-aligned in the record's currency. */
export function TotalsTable({ rows, currency, caption }: { rows: TotalRow[]; currency: string | null; caption: string }) {
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">{caption}</caption>
      <tbody className="divide-y divide-slate-100">
        {rows.map((row) => (
          <tr key={row.label} className={row.emphasis ? "font-semibold text-slate-900" : "text-slate-700"}>
            <th scope="row" className={`py-1.5 pr-4 text-left ${row.emphasis ? "font-semibold" : "font-normal"}`}>
              {row.label}
            </th>
            <td className="py-1.5 text-right">
              <Money value={row.value} currency={currency} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
