"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, SelectField } from "@/components/ui/field";
import type { ActionResult } from "@/lib/auth/action";
import { saveTimeZoneAction } from "./actions";

/** A plain form post: works before (or without) JavaScript; the result shows in place. */
export function TimeZoneForm({ current, options }: { current: string; options: { value: string; label: string }[] }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(saveTimeZoneAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-4 p-5" aria-label="Time zone">
      <FormMessage result={state} />
      <div className="max-w-md">
        <SelectField
          label="Time zone"
          name="timeZone"
          defaultValue={current}
          errors={errors?.timeZone}
          hint="Dates and times across the portal are shown in this zone."
          options={options}
        />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save"}
      </Button>
    </form>
  );
}
