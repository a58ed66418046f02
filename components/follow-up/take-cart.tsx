"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/auth/action";
import type { StepAction } from "./cart-actions";

// "Take" on an unassigned abandoned cart: assigns it to the signed-in person through the same
// action as the cart page's Assign form (the page passes it) (a plain form, so it works without JavaScript). On success
// the page is revalidated and the cart moves to "Assigned to me"; the message shows only when it
// stays (someone took it first).

export function TakeCart({
  cartId,
  originId,
  userId,
  assignAction,
}: {
  cartId: number;
  originId: number;
  userId: number;
  assignAction: StepAction;
}) {
  const [result, action, pending] = useActionState<ActionResult | null, FormData>(assignAction, null);
  return (
    <form action={action} aria-label={`Take cart ${originId}`} className="flex items-center justify-end gap-2">
      <input type="hidden" name="cartIds" value={cartId} />
      <input type="hidden" name="assigneeId" value={userId} />
      {result ? (
        <span role={result.ok ? "status" : "alert"} className={`text-xs ${result.ok ? "text-slate-600" : "text-red-700"}`}>
          {result.ok ? result.message : result.error}
        </span>
      ) : null}
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Taking…" : "Take"}
      </Button>
    </form>
  );
}
