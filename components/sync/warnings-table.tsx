import { DateTime } from "@/components/detail/date-time";
import { SimpleTable } from "@/components/ui/simple-table";
import type { RunWarning } from "@/lib/sync/history";
import { payloadText } from "./payload-text";
import { RecordLinks } from "./record-links";

const KIND: Record<string, string> = { customers: "Customer", carts: "Cart", orders: "Order", credit_memos: "Credit memo" };

/** A warning's raw value: `null` when Magento sent null (or nothing), else its compact JSON. */
function rawText(value: unknown): string {
  return value === null || value === undefined ? "null" : payloadText(value, { pretty: false });
}

/**
 * A run's warnings: records that were kept although one of their fields could not be read (it
 * is stored empty). Record, field, what Magento sent, why it could not be read, links.
 */
export function WarningsTable({ warnings, timeZone }: { warnings: RunWarning[]; timeZone: string }) {
  return (
    <SimpleTable
      columns={[
        { label: "Record" },
        { label: "Field" },
        { label: "Magento sent" },
        { label: "Why it was not read" },
        { label: "Last seen" },
        { label: "Links" },
      ]}
    >
      {warnings.map((warning) => (
        <tr key={warning.id} data-warning-id={warning.id} className="align-top">
          <td className="px-5 py-3">
            {KIND[warning.connector] ?? warning.connector} <span className="tabular-nums">{warning.originId}</span>
          </td>
          <td className="px-5 py-3 font-mono text-xs">{warning.field}</td>
          <td className="max-w-xs px-5 py-3">
            <code className="block max-h-32 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 px-2 py-1 text-xs">
              {rawText(warning.rawValue?.value)}
            </code>
          </td>
          <td className="max-w-sm px-5 py-3 text-slate-700">{warning.message}</td>
          <td className="px-5 py-3 text-xs text-slate-600">
            <DateTime value={warning.lastSeenAt} timeZone={timeZone} />
          </td>
          <td className="px-5 py-3 text-xs">
            <RecordLinks portalHref={warning.portalHref} magentoHref={warning.magentoHref} />
          </td>
        </tr>
      ))}
    </SimpleTable>
  );
}
