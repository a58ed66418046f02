"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/auth/action";
import type { RetryResult } from "@/lib/sync/retry";

type RetryAction = (previous: ActionResult<RetryResult> | null, formData: FormData) => Promise<ActionResult<RetryResult>>;

/** "Retry" for one error (errorId) or "Retry all failed" of a run; the outcome shows next to it. */
export function RetryButton({ action, runId, errorId, label }: { action: RetryAction; runId: number; errorId?: number; label: string }) {
  const [result, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="runId" value={runId} />
      {errorId ? <input type="hidden" name="errorId" value={errorId} /> : null}
      <Button type="submit" variant={errorId ? "ghost" : "primary"} disabled={pending} className={errorId ? "px-2 py-1 text-xs" : ""}>
        {pending ? "Retrying…" : label}
      </Button>
      {result ? (
        <span role={result.ok ? "status" : "alert"} className={`text-xs ${result.ok ? "text-emerald-700" : "text-red-700"}`}>
          {result.ok ? result.message : result.error}
          {result.ok && result.data && result.data.stillFailing.length > 0
            ? ` ${result.data.stillFailing.map((f) => `#${f.errorId}: ${f.message}`).join("; ")}`
            : null}
        </span>
      ) : null}
    </form>
  );
}
