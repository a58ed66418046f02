import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import type { ActionResult } from "@/lib/auth/action";
import { FIELD_LABELS } from "@/lib/customers/edit-form";
import { formatDateTime } from "@/lib/dates";
import type { CustomerField, PushSummary } from "@/lib/customers/two-way/service";
import { ActionButton } from "./action-button";
import { RefreshWhilePending } from "./refresh-while-pending";

// What happened to the portal's changes of one customer on their way to Magento: being sent,
// refused for good (Magento's reason, and retry / edit / revert), or overridden by Magento's own
// change (both values). Shown on the customer page and its edit page.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Action = (previous: ActionResult<any> | null, formData: FormData) => Promise<ActionResult<any>>;

export type PushActions = { retry: Action; revert: Action; dismiss: Action };

type Props = {
  customerId: number;
  state: { pending: PushSummary[]; failed: PushSummary[]; overridden: PushSummary[] };
  timeZone: string;
  /** The user may retry, revert and dismiss (edit_customers). */
  canAct: boolean;
  actions: PushActions;
  /** A push just asked for (?push=…): "saved" when it is no longer pending, refused or overridden. */
  justPushed?: number | null;
};

function fieldList(fields: CustomerField[] | null): string {
  if (!fields?.length) return "";
  const labels = fields.map((f) => FIELD_LABELS[f] ?? f);
  return labels.length === 1 ? labels[0]! : `${labels.slice(0, -1).join(", ")} and ${labels.at(-1)}`;
}

/** "your change to first name and email" / "the newsletter subscription" / "the registration". */
function what(push: PushSummary): string {
  if (push.kind === "customer.subscription") return "the newsletter subscription";
  if (push.kind === "customer.register") return "the registration in Magento";
  const fields = fieldList(push.fields);
  return fields ? `your change to ${fields}` : "your change";
}

/** "Changed by jane@example.com · 26 Nov 2026, 09:12" (and the attempts when there were several). */
function Byline({ push, timeZone }: { push: PushSummary; timeZone: string }) {
  const parts = [push.createdBy ? `Changed by ${push.createdBy}` : "Changed", formatDateTime(push.createdAt, timeZone)];
  if (push.attempts > 1) parts.push(`${push.attempts} attempts`);
  return <p className="mt-1 text-xs opacity-80">{parts.join(" · ")}</p>;
}

/** What a customer's unfinished pushes mean for each field: on its way, or refused by Magento. */
export function fieldMarks(state: Props["state"]): Map<CustomerField, "saving" | "refused"> {
  const marks = new Map<CustomerField, "saving" | "refused">();
  for (const push of state.pending) if (push.kind === "customer.update") for (const f of push.fields ?? []) marks.set(f, "saving");
  for (const push of state.failed) if (push.kind === "customer.update") for (const f of push.fields ?? []) marks.set(f, "refused");
  return marks;
}

function show(value: string): string {
  return value === "" ? "(empty)" : `“${value}”`;
}

export function PushBanners({ customerId, state, timeZone, canAct, actions, justPushed = null }: Props) {
  const known = new Set([...state.pending, ...state.failed, ...state.overridden].map((p) => p.id));
  const saved = justPushed !== null && !known.has(justPushed);
  if (!saved && !known.size) return null;
  return (
    <div className="mb-6 space-y-3" aria-label="Changes sent to Magento" role="region">
      <RefreshWhilePending pending={state.pending.length > 0} />
      {saved ? (
        <p role="status" className="rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-900 ring-1 ring-inset ring-emerald-200">
          Saved in Magento: Magento has confirmed the change.
        </p>
      ) : null}

      {state.pending.map((push) => (
        <div
          key={push.id}
          role="status"
          className="rounded-md bg-brand-50 px-4 py-3 text-sm text-brand-900 ring-1 ring-inset ring-brand-100"
        >
          <p className="font-medium">
            <span aria-hidden className="mr-2 inline-block h-2 w-2 animate-pulse rounded-full bg-brand-500" />
            {push.kind === "customer.register" ? "Registering in Magento…" : "Saving to Magento…"}
          </p>
          <p className="mt-1">
            Sending {what(push)}. This page updates when Magento confirms.
            {push.error ? (
              <>
                {" "}
                Magento did not take it yet{push.attempts ? ` (attempt ${push.attempts})` : ""}: “{push.error}”.
                {push.nextAttemptAt ? ` Next try at ${formatDateTime(push.nextAttemptAt, timeZone)}.` : ""}
              </>
            ) : null}
          </p>
          <Byline push={push} timeZone={timeZone} />
        </div>
      ))}

      {state.failed.map((push) => {
        const reasonId = `push-${push.id}-reason`;
        return (
          <div key={push.id} role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-900 ring-1 ring-inset ring-red-200">
            <p className="font-medium">Not saved in Magento: Magento refused {what(push)}.</p>
            <p id={reasonId} className="mt-1">
              Magento&apos;s reason: <q className="font-medium">{push.error ?? "none given"}</q>
            </p>
            <p className="mt-1 text-red-800">
              {push.kind === "customer.update"
                ? "The portal still shows your values, but Magento keeps its own until you retry, edit or revert."
                : "Nothing changed in Magento. Retry, or revert to leave it as Magento has it."}
            </p>
            <Byline push={push} timeZone={timeZone} />
            {canAct ? (
              <div className="mt-3 flex flex-wrap items-start gap-2">
                <ActionButton
                  action={actions.retry}
                  fields={{ pushId: push.id }}
                  label="Retry"
                  pendingLabel="Retrying…"
                  formLabel={`Retry push ${push.id}`}
                  describedBy={reasonId}
                />
                {push.kind === "customer.update" ? (
                  <Link href={`/customers/${customerId}/edit`} className={buttonClasses("secondary")}>
                    Edit
                  </Link>
                ) : null}
                <ActionButton
                  action={actions.revert}
                  fields={{ pushId: push.id }}
                  label={push.kind === "customer.update" ? "Revert to Magento's values" : "Revert"}
                  pendingLabel="Reverting…"
                  variant="danger"
                  formLabel={`Revert push ${push.id}`}
                />
              </div>
            ) : (
              <p className="mt-2 text-xs">A sales manager or an administrator can retry, edit or revert it.</p>
            )}
          </div>
        );
      })}

      {state.overridden.map((push) => (
        <div
          key={push.id}
          role="status"
          className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
        >
          <p className="font-medium">
            Magento wins: Magento changed this customer too, and the channel keeps Magento&apos;s values when both sides change a field.
          </p>
          <ul className="mt-1 list-disc pl-5">
            {push.overridden.map((o) => (
              <li key={o.field}>
                Your {FIELD_LABELS[o.field] ?? o.field} {show(o.yours)} was replaced by Magento&apos;s {show(o.magento)}.
              </li>
            ))}
          </ul>
          <p className="mt-1 text-amber-800">Anything else you changed was saved. To use your value anyway, edit the customer again.</p>
          <Byline push={push} timeZone={timeZone} />
          {canAct ? (
            <div className="mt-3 flex flex-wrap items-start gap-2">
              <Link href={`/customers/${customerId}/edit`} className={buttonClasses("secondary")}>
                Edit
              </Link>
              <ActionButton
                action={actions.dismiss}
                fields={{ pushId: push.id }}
                label="Dismiss"
                pendingLabel="Dismissing…"
                variant="ghost"
                formLabel={`Dismiss notice ${push.id}`}
              />
            </div>
          ) : null}
        </div>
      ))}
    </div>
  );
}
