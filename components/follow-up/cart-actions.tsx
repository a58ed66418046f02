"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import type { ActionResult } from "@/lib/auth/action";
import { Choice, LongText, Text } from "./fields";

// The follow-up steps a cart allows for this user, each a plain form posting to a server action
// (the page passes them), so they work before (or without) JavaScript; the result shows in place.
// Only the latest step's result is shown: an older one ("The cart is marked lost.") would no longer
// be true once a later step (Reopen) changed the cart, whose panels the page renders afresh.

/** A follow-up step's server action, as useActionState calls it. */
export type StepAction = (previous: ActionResult | null, formData: FormData) => Promise<ActionResult>;

type Props = {
  cartId: number;
  /** From the state machine: which of log_contact, mark_lost, reopen this user may take now. */
  allowed: string[];
  lostReasons: { value: string; label: string }[];
  /** Null when this user may not assign this cart. */
  assign: { assignees: { id: number; name: string }[]; currentId: number | null; selfOnly: boolean; userId: number } | null;
  /** Someone else has this cart and this user may not take it over: who, and why. */
  heldBy?: { name: string; reason: string } | null;
  actions: { logContact: StepAction; markLost: StepAction; reopen: StepAction; assign: StepAction };
};

type Step = "contact" | "lost" | "reopen" | "assign";

function useStep(action: StepAction) {
  return useActionState<ActionResult | null, FormData>(action, null);
}

function StepForm({
  title,
  children,
  state,
  action,
  onSubmit,
  pending,
  submit,
  cartId,
  variant = "secondary",
}: {
  title: string;
  children?: React.ReactNode;
  state: ActionResult | null;
  action: (formData: FormData) => void;
  onSubmit: () => void;
  pending: boolean;
  submit: string;
  cartId: number;
  variant?: "primary" | "secondary" | "danger";
}) {
  return (
    <form
      action={action}
      onSubmit={onSubmit}
      aria-label={title}
      className="space-y-3 border-t border-slate-100 pt-4 first:border-t-0 first:pt-0"
    >
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      <FormMessage result={state} />
      <input type="hidden" name="cartId" value={cartId} />
      {children}
      <Button type="submit" variant={variant} disabled={pending}>
        {pending ? "Saving…" : submit}
      </Button>
    </form>
  );
}

export function CartFollowUpActions({ cartId, allowed, lostReasons, assign, heldBy, actions }: Props) {
  const [contactResult, contactAction, contactPending] = useStep(actions.logContact);
  const [lostResult, lostAction, lostPending] = useStep(actions.markLost);
  const [reopenResult, reopenAction, reopenPending] = useStep(actions.reopen);
  const [assignedResult, assignAction, assignPending] = useStep(actions.assign);
  // The step submitted last (null before any, and after a post without JavaScript, where only
  // that step has a result): the other steps' results are from an earlier state of the cart.
  const [last, setLast] = useState<Step | null>(null);
  const latest = (step: Step, result: ActionResult | null) => (last === null || last === step ? result : null);
  const contact = latest("contact", contactResult);
  const lost = latest("lost", lostResult);
  const reopen = latest("reopen", reopenResult);
  const assigned = latest("assign", assignedResult);
  const ce = contact && !contact.ok ? contact.fieldErrors : undefined;
  const le = lost && !lost.ok ? lost.fieldErrors : undefined;
  const options = assign
    ? [
        { value: "", label: "Nobody" },
        ...assign.assignees
          .filter((a) => !assign.selfOnly || a.id === assign.userId)
          .map((a) => ({ value: String(a.id), label: a.id === assign.userId ? `${a.name} (me)` : a.name })),
      ]
    : [];

  // A step can close its own form (after Mark lost only Reopen is left): its result then shows here.
  const orphaned = [
    allowed.includes("log_contact") ? null : contact,
    allowed.includes("mark_lost") ? null : lost,
    allowed.includes("reopen") ? null : reopen,
  ].filter((r): r is ActionResult => r !== null);
  return (
    <div className="space-y-4">
      {orphaned.map((result, i) => (
        <FormMessage key={i} result={result} />
      ))}
      {!allowed.length && !assign && !heldBy ? <p className="text-sm text-slate-500">No follow-up steps are open for this cart.</p> : null}
      {allowed.includes("log_contact") ? (
        <StepForm
          title="Log contact"
          state={contact}
          action={contactAction}
          onSubmit={() => setLast("contact")}
          pending={contactPending}
          submit="Log contact"
          cartId={cartId}
          variant="primary"
        >
          <Choice
            form="contact"
            name="channel"
            label="By"
            options={[
              { value: "call", label: "Phone call" },
              { value: "email", label: "Email" },
            ]}
            errors={ce?.channel}
          />
          <Text form="contact" name="outcome" label="Outcome" required maxLength={200} errors={ce?.outcome} />
          <LongText form="contact" name="note" label="Notes" maxLength={2000} errors={ce?.note} />
        </StepForm>
      ) : null}
      {allowed.includes("mark_lost") ? (
        <StepForm
          title="Mark lost"
          state={lost}
          action={lostAction}
          onSubmit={() => setLast("lost")}
          pending={lostPending}
          submit="Mark lost"
          cartId={cartId}
          variant="danger"
        >
          <Choice form="lost" name="reason" label="Reason" options={lostReasons} errors={le?.reason} />
          <Text form="lost" name="reasonText" label="Other reason (when “Other”)" maxLength={200} errors={le?.reasonText} />
          <LongText form="lost" name="note" label="Notes" maxLength={2000} errors={le?.note} />
        </StepForm>
      ) : null}
      {allowed.includes("reopen") ? (
        <StepForm
          title="Reopen"
          state={reopen}
          action={reopenAction}
          onSubmit={() => setLast("reopen")}
          pending={reopenPending}
          submit="Reopen cart"
          cartId={cartId}
        >
          <LongText form="reopen" name="note" label="Why" maxLength={2000} />
        </StepForm>
      ) : null}
      {heldBy ? (
        <section aria-label="Assignment" className="space-y-1 border-t border-slate-100 pt-4 first:border-t-0 first:pt-0">
          <h3 className="text-sm font-semibold text-slate-900">Assigned to {heldBy.name}</h3>
          <p className="text-sm text-slate-600">{heldBy.reason}</p>
        </section>
      ) : null}
      {assign ? (
        <form
          action={assignAction}
          onSubmit={() => setLast("assign")}
          aria-label="Assign"
          className="space-y-3 border-t border-slate-100 pt-4 first:border-t-0 first:pt-0"
        >
          <h3 className="text-sm font-semibold text-slate-900">Assign</h3>
          <FormMessage result={assigned} />
          <input type="hidden" name="cartIds" value={cartId} />
          <Choice
            form="assign"
            name="assigneeId"
            label="Assigned to"
            options={options}
            defaultValue={assign.currentId === null ? "" : String(assign.currentId)}
          />
          <Button type="submit" variant="secondary" disabled={assignPending}>
            {assignPending ? "Saving…" : "Assign"}
          </Button>
        </form>
      ) : null}
    </div>
  );
}
