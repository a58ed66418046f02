"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import type { ActionResult } from "@/lib/auth/action";
import type { StepAction } from "./cart-actions";
import { LongText } from "./fields";

/** "Record feedback" on an order not contacted yet: a plain form post (to the page's action), works without JavaScript. */
export function OrderFeedbackForm({ orderId, recordAction }: { orderId: number; recordAction: StepAction }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(recordAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  if (state?.ok) return <FormMessage result={state} />;
  return (
    <form action={action} aria-label="Record feedback" className="space-y-3">
      <FormMessage result={state} />
      <input type="hidden" name="orderId" value={orderId} />
      <LongText form="feedback" name="feedback" label="Customer's feedback" required maxLength={2000} errors={errors?.feedback} />
      <LongText form="feedback" name="note" label="Notes" maxLength={2000} errors={errors?.note} />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Record feedback"}
      </Button>
    </form>
  );
}
