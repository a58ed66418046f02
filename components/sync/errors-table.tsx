import { DateTime } from "@/components/detail/date-time";
import { SimpleTable } from "@/components/ui/simple-table";
import type { ActionResult } from "@/lib/auth/action";
import type { RunError } from "@/lib/sync/history";
import type { RetryResult } from "@/lib/sync/retry";
import { payloadText } from "./payload-text";
import { RecordLinks } from "./record-links";
import { RetryButton } from "./retry-button";

type RetryAction = (previous: ActionResult<RetryResult> | null, formData: FormData) => Promise<ActionResult<RetryResult>>;

/** A run's sync_errors: entity, Magento id, field, message, payload excerpt, links, retry. */
export function ErrorsTable({
  errors,
  runId,
  timeZone,
  retryAction,
}: {
  errors: RunError[];
  runId: number;
  timeZone: string;
  retryAction?: RetryAction;
}) {
  return (
    <SimpleTable
      columns={[
        { label: "Entity" },
        { label: "Magento id" },
        { label: "Field" },
        { label: "Message" },
        { label: "Status" },
        { label: "Links" },
        { label: "Actions", srOnly: true },
      ]}
    >
      {errors.map((error) => (
        <tr key={error.id} data-error-id={error.id} className="align-top">
          <td className="px-5 py-3">{error.connector}</td>
          <td className="px-5 py-3 tabular-nums">{error.originId ?? "—"}</td>
          <td className="px-5 py-3 font-mono text-xs">{error.field ?? "—"}</td>
          <td className="max-w-md px-5 py-3">
            <p className="break-words">{error.message}</p>
            {error.payload !== null ? (
              <details className="mt-1">
                <summary className="cursor-pointer text-xs text-slate-500">Payload excerpt</summary>
                <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs">
                  {payloadText(error.payload)}
                </pre>
              </details>
            ) : null}
          </td>
          <td className="px-5 py-3 text-xs">
            {error.resolvedAt ? (
              <span className="text-emerald-700">
                resolved <DateTime value={error.resolvedAt} timeZone={timeZone} />
              </span>
            ) : (
              <span className="text-red-700">unresolved</span>
            )}
          </td>
          <td className="px-5 py-3 text-xs">
            <RecordLinks portalHref={error.portalHref} magentoHref={error.magentoHref} />
          </td>
          <td className="px-5 py-3">
            {retryAction && !error.resolvedAt ? <RetryButton action={retryAction} runId={runId} errorId={error.id} label="Retry" /> : null}
          </td>
        </tr>
      ))}
    </SimpleTable>
  );
}
