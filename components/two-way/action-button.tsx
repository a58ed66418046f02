"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import type { ActionResult } from "@/lib/auth/action";

// One button that posts a few hidden fields to a server action and says what happened. A plain
// form: it works without JavaScript too (the page comes back with the answer).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Action = (previous: ActionResult<any> | null, formData: FormData) => Promise<ActionResult<any>>;

export function ActionButton({
  action,
  fields,
  label,
  pendingLabel,
  variant = "secondary",
  formLabel,
  describedBy,
}: {
  action: Action;
  fields: Record<string, string | number>;
  label: string;
  pendingLabel: string;
  variant?: "primary" | "secondary" | "danger" | "ghost";
  /** The form's accessible name (several buttons of the same label on one page). */
  formLabel?: string;
  describedBy?: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} aria-label={formLabel} className="inline-flex flex-col items-start gap-2">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Button type="submit" variant={variant} disabled={pending} aria-describedby={describedBy}>
        {pending ? pendingLabel : label}
      </Button>
      <FormMessage result={state} />
    </form>
  );
}
