"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { ActionResult } from "@/lib/auth/action";
import type { RunProgress } from "@/lib/sync/progress";
import type { RunRequestBudget } from "@/lib/sync/runs";
import { CancelSyncButton } from "./cancel-sync-button";
import { RunStatusBadge } from "./run-status-badge";
import { connectorLabel } from "@/lib/sync/types";
import { countOf } from "@/lib/format/count";

type CancelAction = (previous: ActionResult | null, formData: FormData) => Promise<ActionResult>;

export const POLL_MS = 1500;

function formatSeconds(total: number): string {
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m ${String(total % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

const n = (value: number) => value.toLocaleString("en-US");

/** What /api/sync-runs/<id> answers: the progress and, while the run runs, the Magento client's request budget. */
export type LiveRunProgress = RunProgress & { requestBudget?: RunRequestBudget | null };

/**
 * How hard the sync is pressing on Magento right now: requests in flight, and the budget the
 * client allows (the channel's setting, lower while Magento refuses requests or slows down).
 * The figures change every poll, so they are not read out; the note that the budget was lowered
 * is (it appears inside the panel's live region).
 */
export function RequestBudgetLine({ budget }: { budget: RunRequestBudget }) {
  const lowered = budget.limit < budget.max;
  // A run fanned out over workers (Inngest): the figures are their sum.
  const workers = Object.keys(budget.shares ?? {}).length;
  return (
    <p className="text-sm text-slate-700" data-testid="request-budget">
      <span aria-live="off" className="tabular-nums">
        Requests in flight: {n(budget.inFlight)} · budget {n(budget.limit)} of {n(budget.max)}
        {workers > 1 ? ` · shared by ${n(workers)} workers` : ""}
      </span>
      {lowered ? (
        <span className="text-amber-800">
          {" "}
          — Magento is slowing down or refused requests (429/503); the sync eases off and speeds up again by itself.
        </span>
      ) : null}
    </p>
  );
}

/**
 * The running sync, live: polls /api/sync-runs/<id> every 1.5 s while the run is unfinished, stops
 * when it ends (and refreshes the page once so the runs list shows the outcome).
 */
export function ProgressPanel({
  initial,
  cancelAction,
  canCancel,
}: {
  initial: LiveRunProgress;
  cancelAction: CancelAction;
  canCancel: boolean;
}) {
  const router = useRouter();
  const [progress, setProgress] = useState<LiveRunProgress>(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const refreshed = useRef(initial.finished);

  useEffect(() => {
    if (progress.finished) {
      if (!refreshed.current) {
        refreshed.current = true;
        router.refresh();
      }
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const response = await fetch(`/api/sync-runs/${progress.runId}`, { cache: "no-store", signal: controller.signal });
        if (!response.ok) {
          setProblem(response.status === 401 ? "Your session has ended; reload the page." : `Progress unavailable (${response.status}).`);
          if (response.status === 401 || response.status === 403 || response.status === 404) return;
          setProgress((p) => ({ ...p })); // try again on the next tick
          return;
        }
        setProblem(null);
        setProgress((await response.json()) as LiveRunProgress);
      } catch (error) {
        if (controller.signal.aborted) return;
        setProblem(`Progress unavailable: ${error instanceof Error ? error.message : "network error"}.`);
        setProgress((p) => ({ ...p }));
      }
    }, POLL_MS);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [progress, router]);

  return (
    <section aria-label={`Sync #${progress.runId}`} aria-live="polite" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="flex items-center gap-2 text-sm text-slate-700">
          <span className="font-medium">Sync #{progress.runId}</span>
          <span>({progress.mode})</span>
          <RunStatusBadge status={progress.status} />
          {progress.cancelRequested && !progress.finished ? <span className="text-amber-700">stopping after the current page…</span> : null}
          <span className="tabular-nums text-slate-500">
            {n(progress.recordsChanged)} changed · {countOf(progress.errorCount, "error")}
          </span>
        </p>
        {canCancel && !progress.finished ? (
          <CancelSyncButton action={cancelAction} runId={progress.runId} requested={progress.cancelRequested} />
        ) : null}
      </div>
      {progress.requestBudget && !progress.finished ? <RequestBudgetLine budget={progress.requestBudget} /> : null}
      {progress.errorMessage ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {progress.errorMessage}
        </p>
      ) : null}
      {problem ? (
        <p role="alert" className="text-sm text-amber-800">
          {problem}
        </p>
      ) : null}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-3 py-2 font-medium">Connector</th>
              <th className="px-3 py-2 font-medium">State</th>
              <th className="px-3 py-2 text-right font-medium">Pages</th>
              <th className="px-3 py-2 text-right font-medium">Fetched</th>
              <th className="px-3 py-2 text-right font-medium">Created</th>
              <th className="px-3 py-2 text-right font-medium">Updated</th>
              <th className="px-3 py-2 text-right font-medium">Failed</th>
              <th className="px-3 py-2 text-right font-medium">Rate</th>
              <th className="px-3 py-2 font-medium">Progress</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {progress.connectors.map((c) => (
              <tr key={c.connector} data-connector={c.connector}>
                <td className="px-3 py-2 font-medium">{connectorLabel(c.connector)}</td>
                <td className="px-3 py-2 text-slate-600">{c.state === "running" && progress.finished ? "stopped" : c.state}</td>
                <td className="px-3 py-2 text-right tabular-nums">{n(c.pages)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{n(c.fetched)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{n(c.created)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{n(c.updated)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{n(c.failed)}</td>
                <td className="px-3 py-2 text-right tabular-nums">{c.ratePerSecond === null ? "—" : `${c.ratePerSecond}/s`}</td>
                <td className="px-3 py-2 text-slate-600">
                  {c.state === "done"
                    ? "done"
                    : c.state === "pending"
                      ? "waiting"
                      : [
                          c.fraction !== null ? `${Math.round(c.fraction * 100)}% of the time range` : null,
                          c.reachedAt ? `at ${c.reachedAt.slice(0, 10)}` : null,
                          c.etaSeconds !== null ? `≈ ${formatSeconds(c.etaSeconds)} left` : null,
                        ]
                          .filter(Boolean)
                          .join(" · ") || "running"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
