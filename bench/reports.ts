// `npm run bench -- reports [--customers N] [--carts N] [--orders N] [--credit-memos N] [--runs N] [--changed N] [--keep]`
// (defaults: the grids bench's store — 200k customers, 1M carts, 1M orders, 50k credit memos —
// 20 runs per case, 1,000 changed orders). Server time of the dashboard and the reports:
//   1. create `portal_bench_reports_<ts>` on TEST_DATABASE_URL, migrate, seed with the grids
//      bench's seed (bench/lib/seed-grids.ts), VACUUM ANALYZE; build the daily rollups in full;
//   2. the dashboard for each date preset: every widget's loader at once, as the page streams
//      them (lib/reports/dashboard/queries.ts), p50/p95 over the runs;
//   3. each report's server reads (REPORTS' bench/lib/report-cases.ts), p50/p95;
//   4. 1,000 orders of the last 30 days changed (as a sync writes them: new status, synced_at now) and the
//      incremental rollup refresh timed.
// Targets: dashboard p95 < 300 ms (worst preset), report p95 < 500 ms. Ends with one JSON line.
// Machines differ about 2× between sessions: the bench first times one fixed query over the seeded
// orders (calibration_ms, a full scan summing grand_total, p50 of 7) and prints every figure also
// as its ratio to it, so runs on different days compare by the ratios.
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { openDatabase, type Db } from "@/db/client";
import type { SessionUser } from "@/lib/auth/session";
import { DATE_PRESETS, type DatePreset } from "@/lib/date-presets";
import {
  dashboardCurrency,
  loadCartFunnel,
  loadChannelSeries,
  loadFilterOptions,
  loadKpis,
  loadMix,
  loadSalesSeries,
  loadSyncHealth,
  loadTopCustomers,
} from "@/lib/reports/dashboard/queries";
import { parseReportFilters } from "@/lib/periods/filters";
import { recomputeRfm } from "@/lib/sync/rules/rfm";
import { rebuildRollups, refreshRollups } from "@/lib/sync/rules/rollups";
import { ADMIN_URL, adminQuery, withDatabase } from "./lib/database";
import { migrateAndSeed, seedSizesFromArgs } from "./lib/seed-grids";
import { reportCases } from "./lib/report-cases";
import { option } from "./lib/simulator-process";

const TARGET_DASHBOARD_MS = 300;
const TARGET_REPORT_MS = 500;
const WARMUP = 3;

const BENCH_USER: SessionUser = { id: 0, email: "bench@example.com", name: "Bench", role: "viewer", permissions: ["view_sales"] };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

/** Everything the dashboard page reads for one filter set, concurrently as its Suspense widgets do. */
function dashboardLoad(db: Db, preset: DatePreset): () => Promise<unknown> {
  const scope = parseReportFilters({ range: preset });
  return () =>
    Promise.all([
      loadFilterOptions(BENCH_USER, db),
      loadSyncHealth(BENCH_USER, scope, db),
      dashboardCurrency(BENCH_USER, scope, db),
      loadKpis(BENCH_USER, scope, db),
      loadSalesSeries(BENCH_USER, scope, db),
      loadChannelSeries(BENCH_USER, scope, db),
      loadCartFunnel(BENCH_USER, scope, db),
      loadTopCustomers(BENCH_USER, scope, 10, db),
      loadMix(BENCH_USER, scope, "status", db),
      loadMix(BENCH_USER, scope, "payment", db),
      loadMix(BENCH_USER, scope, "shipping", db),
    ]);
}

const fmt = (r: { p50: number; p95: number }) => `${r.p50.toFixed(1)} / ${r.p95.toFixed(1)}`.padStart(16);
const ratioText = (r: { p95: number }, calibrationMs: number) => `p95 ratio ${(r.p95 / calibrationMs).toFixed(2)}`.padStart(16);

export async function run(args: string[]): Promise<void> {
  const sizes = seedSizesFromArgs(args);
  const runs = option(args, "runs", 20);
  const changed = option(args, "changed", 1000);
  const keep = args.includes("--keep");
  const name = `portal_bench_reports_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const url = withDatabase(ADMIN_URL, name);
  console.log(
    `Reports bench: ${sizes.customers.toLocaleString("en-US")} customers, ${sizes.carts.toLocaleString("en-US")} carts, ${sizes.orders.toLocaleString("en-US")} orders, ${sizes.creditMemos.toLocaleString("en-US")} credit memos; ${runs} runs per case`,
  );
  let handle: Awaited<ReturnType<typeof openDatabase>> | null = null;
  try {
    await adminQuery(`create database "${name}"`);
    handle = await openDatabase({ databaseUrl: url, max: 8 });
    const db = handle.db;
    await migrateAndSeed(db, url, sizes, console.log);

    const calibration = await time(7, () => db.execute(sql`SELECT count(*), sum(grand_total) FROM magento_orders`));
    const calibrationMs = calibration.p50;
    const ratio = (ms: number) => Number((ms / calibrationMs).toFixed(2));
    console.log(`  calibration (full scan of magento_orders): ${calibrationMs.toFixed(1)} ms p50; ratios below are figure ÷ this`);

    let t0 = performance.now();
    const built = await rebuildRollups(db, 1);
    const buildMs = performance.now() - t0;
    await db.execute(sql`ANALYZE report_daily_sales`);
    await db.execute(sql`ANALYZE report_daily_mix`);
    console.log(`  rollups built in full: ${built.days} days in ${(buildMs / 1000).toFixed(1)} s (ratio ${ratio(buildMs)})`);
    // The customers report reads RFM scores, as after a sync.
    t0 = performance.now();
    await recomputeRfm(db, 1);
    const rfmMs = performance.now() - t0;
    console.log(`  RFM scores computed in ${(rfmMs / 1000).toFixed(1)} s`);

    console.log(`  ${"dashboard preset".padEnd(40)} ${"p50 / p95 ms".padStart(16)}`);
    const dashboard: Record<string, { p50: number; p95: number }> = {};
    for (const preset of DATE_PRESETS) {
      dashboard[preset] = await time(runs, dashboardLoad(db, preset));
      const flag = dashboard[preset]!.p95 < TARGET_DASHBOARD_MS ? "" : "  ← over target";
      console.log(`  ${preset.padEnd(40)} ${fmt(dashboard[preset]!)} ${ratioText(dashboard[preset]!, calibrationMs)}${flag}`);
    }

    const reports: Record<string, { p50: number; p95: number }> = {};
    const cases = reportCases(db);
    if (cases.length === 0) console.log("  (no report cases in bench/lib/report-cases.ts)");
    else console.log(`  ${"report".padEnd(40)} ${"p50 / p95 ms".padStart(16)}`);
    for (const c of cases) {
      reports[c.key] = await time(runs, c.run);
      const flag = reports[c.key]!.p95 < TARGET_REPORT_MS ? "" : "  ← over target";
      console.log(`  ${c.label.padEnd(40)} ${fmt(reports[c.key]!)} ${ratioText(reports[c.key]!, calibrationMs)}${flag}`);
    }

    // An incremental sync's worth of changes: what such a sync brings is new orders and status
    // changes of recent ones, so orders of the last 30 days get a new status and synced_at, as an
    // orders page writes them; the refresh recomputes only their days (and their customers' first days).
    await db.execute(sql`
      UPDATE magento_orders SET status = CASE WHEN status = 'processing' THEN 'complete' ELSE 'processing' END,
        state = CASE WHEN state = 'processing' THEN 'complete' ELSE 'processing' END, synced_at = now()
      WHERE id IN (SELECT id FROM magento_orders WHERE remote_created_at > now() - interval '30 days' ORDER BY md5(id::text) LIMIT ${changed})`);
    // No look-back: the seed wrote every row moments ago (synced_at = now()), and the default
    // 10-minute look-back for in-flight sync pages would take them all for changes.
    t0 = performance.now();
    const refreshed = await refreshRollups(db, 1, { lookBackMs: 0 });
    const refreshMs = performance.now() - t0;
    console.log(
      `  rollup refresh after ${changed.toLocaleString("en-US")} changed orders: ${refreshed.days} days recomputed in ${refreshMs.toFixed(0)} ms (${refreshed.mode})`,
    );

    const dashboardWorst = Math.max(...Object.values(dashboard).map((r) => r.p95));
    const reportWorst = cases.length ? Math.max(...Object.values(reports).map((r) => r.p95)) : null;
    console.log(
      `  dashboard worst p95 ${dashboardWorst.toFixed(1)} ms (target < ${TARGET_DASHBOARD_MS}); report worst p95 ${reportWorst === null ? "—" : reportWorst.toFixed(1)} ms (target < ${TARGET_REPORT_MS})`,
    );
    const json: Record<string, unknown> = {
      calibration_ms: Number(calibrationMs.toFixed(1)),
      dashboard_p95_ms: Number(dashboardWorst.toFixed(1)),
      dashboard_p95_ratio: ratio(dashboardWorst),
      report_p95_ratio_max: reportWorst === null ? null : ratio(reportWorst),
      rollup_build_ratio: ratio(buildMs),
      report_p95_ms_max: reportWorst === null ? null : Number(reportWorst.toFixed(1)),
      rollup_refresh_ms: Number(refreshMs.toFixed(0)),
      rollup_build_ms: Number(buildMs.toFixed(0)),
      rfm_ms: Number(rfmMs.toFixed(0)),
      rollup_refresh_days: refreshed.days,
    };
    for (const [k, v] of Object.entries(dashboard)) json[`dashboard_${k}_p95_ms`] = Number(v.p95.toFixed(1));
    for (const [k, v] of Object.entries(reports)) json[`report_${k}_p95_ms`] = Number(v.p95.toFixed(1));
    json.sizes = sizes;
    console.log(JSON.stringify(json));
  } finally {
    if (handle) await handle.close().catch(() => {});
    if (keep) console.error(`kept database ${name} (--keep)`);
    else {
      await adminQuery(`drop database if exists "${name}" with (force)`).catch((error: unknown) =>
        console.error(`could not drop ${name}: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }
}
