"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import type { ActionResult } from "@/lib/auth/action";
import { countOf } from "@/lib/format/count";

type Result = ActionResult;

/** Delete a channel: type its name to confirm; says how many synced records go with it. */
export function DeleteChannelForm({
  id,
  name,
  records,
  deleteAction,
}: {
  id: number;
  name: string;
  records: number;
  deleteAction: (previous: Result | null, formData: FormData) => Promise<Result>;
}) {
  const [state, action, pending] = useActionState(deleteAction, null);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.push("/system/integrations");
  }, [state, router]);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-4 p-5" aria-label="Delete channel">
      <input type="hidden" name="id" value={id} />
      <p className="text-sm text-slate-700">
        Deleting <strong>{name}</strong> removes its settings and its {countOf(records, "synced record")} (customers, carts, orders, credit
        memos, subscribers) and its sync history from the portal. Nothing is deleted in Magento. The records are removed in the background;
        the portal stays usable meanwhile.
      </p>
      <FormMessage result={state} />
      <TextField label={`Type "${name}" to confirm`} name="confirmName" autoComplete="off" errors={errors?.confirmName} />
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Deleting…" : "Delete channel"}
      </Button>
    </form>
  );
}
