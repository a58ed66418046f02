import Link from "next/link";
import { SimpleTable } from "@/components/ui/simple-table";
import type { ActionResult } from "@/lib/auth/action";
import { FIELD_LABELS } from "@/lib/customers/edit-form";
import { formatDateTime } from "@/lib/dates";
import type { PushFailure } from "@/lib/customers/two-way/service";
import { ActionButton } from "./action-button";

// System › Sync History: portal changes Magento refused for good (two-way sync), with Magento's
// reason, the customer they belong to and Retry. Edit and revert are on the customer's page.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Action = (previous: ActionResult<any> | null, formData: FormData) => Promise<ActionResult<any>>;

const KINDS: Record<PushFailure["kind"], string> = {
  "customer.update": "Customer edit",
  "customer.subscription": "Newsletter subscription",
  "customer.register": "Registration",
};

function change(failure: PushFailure): string {
  const kind = KINDS[failure.kind] ?? failure.kind;
  if (failure.kind !== "customer.update" || !failure.fields?.length) return kind;
  return `${kind}: ${failure.fields.map((f) => FIELD_LABELS[f] ?? f).join(", ")}`;
}

export function PushFailures({
  failures,
  timeZone,
  retry,
  limit,
}: {
  failures: PushFailure[];
  timeZone: string;
  retry: Action | null;
  limit: number;
}) {
  return (
    <section aria-labelledby="push-failures-title" className="space-y-2">
      <h2 id="push-failures-title" className="text-base font-semibold text-slate-900">
        Changes Magento refused
      </h2>
      <p className="text-sm text-slate-600">
        Edits made in the portal that Magento turned down for good. The portal keeps showing them as not saved in Magento until someone
        retries, edits or reverts them (on the customer&apos;s page).
      </p>
      <SimpleTable
        columns={[
          { label: "When" },
          { label: "Customer" },
          { label: "Change" },
          { label: "Magento's reason" },
          { label: "Channel" },
          { label: "Actions", srOnly: true },
        ]}
      >
        {failures.map((failure) => (
          <tr key={failure.id}>
            <td className="whitespace-nowrap px-5 py-2 align-top">
              {formatDateTime(failure.createdAt, timeZone)}
              {failure.createdBy ? <span className="block text-xs text-slate-500">by {failure.createdBy}</span> : null}
            </td>
            <td className="px-5 py-2 align-top">
              <Link href={`/customers/${failure.customerId}`} className="font-medium text-brand-700 hover:underline">
                {failure.customerName}
              </Link>
            </td>
            <td className="px-5 py-2 align-top">{change(failure)}</td>
            <td className="px-5 py-2 align-top text-red-800">{failure.error ?? "No reason given"}</td>
            <td className="px-5 py-2 align-top">{failure.channelName}</td>
            <td className="px-5 py-2 align-top">
              {retry ? (
                <ActionButton
                  action={retry}
                  fields={{ pushId: failure.id }}
                  label="Retry"
                  pendingLabel="Retrying…"
                  formLabel={`Retry the change to ${failure.customerName}`}
                />
              ) : null}
            </td>
          </tr>
        ))}
      </SimpleTable>
      {failures.length >= limit ? <p className="text-xs text-slate-500">The newest {limit} are shown.</p> : null}
    </section>
  );
}
