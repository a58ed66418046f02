"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/auth/action";

type CancelAction = (previous: ActionResult | null, formData: FormData) => Promise<ActionResult>;

/** Asks the running sync to stop after its current page. */
export function CancelSyncButton({ action, runId, requested }: { action: CancelAction; runId: number; requested?: boolean }) {
  const [result, formAction, pending] = useActionState(action, null);
  const asked = requested || result?.ok;
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="runId" value={runId} />
      <Button type="submit" variant="danger" disabled={pending || asked}>
        {asked ? "Stopping…" : pending ? "Cancelling…" : "Cancel sync"}
      </Button>
      {result && !result.ok ? (
        <p role="alert" className="text-sm text-red-700">
          {result.error}
        </p>
      ) : null}
    </form>
  );
}
