import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { healthReport } from "@/lib/health/report";

// Public on purpose (proxy.ts lets it through, no session): load balancers, Docker's HEALTHCHECK
// and uptime monitors call it. It reveals no data: see lib/health/report.ts for what it says.
// 200 when the database answers and its migrations are current, 503 otherwise.

export const dynamic = "force-dynamic";

export async function GET() {
  const report = await healthReport(getDb);
  return NextResponse.json(report, { status: report.status === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
