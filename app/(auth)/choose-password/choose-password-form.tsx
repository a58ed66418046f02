"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import type { ActionResult } from "@/lib/auth/action";
import { choosePasswordAction } from "./actions";

export function ChoosePasswordForm({ callbackUrl, minLength }: { callbackUrl: string; minLength: number }) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(choosePasswordAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-5">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <FormMessage result={state} />
      <TextField
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        autoFocus
        hint={`At least ${minLength} characters.`}
        errors={errors?.password}
      />
      <TextField
        label="Repeat the new password"
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        errors={errors?.confirm}
      />
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Saving…" : "Save and continue"}
      </Button>
    </form>
  );
}
