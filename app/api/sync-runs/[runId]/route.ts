import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { getSessionUser } from "@/lib/auth/session";
import { loadRunProgress, type RunProgress } from "@/lib/sync/progress";
import { getRun, type RunRequestBudget } from "@/lib/sync/runs";

// The live progress of one sync run for the channel page (polled every ~1.5 s while it runs).
// Session and run_syncs checked here (the proxy only redirects anonymous visitors); the answer is
// the run's figures only: no channel settings, no credentials, no error payloads. Beside the
// progress, `requestBudget` is the Magento client's in-flight budget the runner last recorded,
// while the run is queued or running (null otherwise).

type RunStatusResponse = RunProgress & { requestBudget: RunRequestBudget | null };

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" };

export async function GET(_request: Request, context: { params: Promise<{ runId: string }> }) {
  const user = await getSessionUser();
  if (!user) return NextResponse.json({ error: "Sign in first." }, { status: 401, headers: NO_STORE });
  if (!can(user.role, "run_syncs"))
    return NextResponse.json({ error: "Your role does not allow this." }, { status: 403, headers: NO_STORE });
  const { runId: raw } = await context.params;
  const runId = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(runId) || runId <= 0)
    return NextResponse.json({ error: "Not a sync run id." }, { status: 400, headers: NO_STORE });
  const db = await getDb();
  const progress = await loadRunProgress(db, user, runId);
  if (!progress) return NextResponse.json({ error: "No such sync run." }, { status: 404, headers: NO_STORE });
  const run = progress.finished ? null : await getRun(db, runId);
  const live = run !== null && (run.status === "queued" || run.status === "running");
  const body: RunStatusResponse = { ...progress, requestBudget: live ? (run.requestBudget ?? null) : null };
  return NextResponse.json(body, { headers: NO_STORE });
}
