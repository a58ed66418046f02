import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Db } from "@/db/client";
import { databaseErrorOf } from "@/db/errors";
import { DEFAULT_LIMITS, type DatabaseLimits } from "@/db/limits";
import { writeAudit } from "@/lib/audit/log";
import { can } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import type { ReportFilters } from "@/lib/periods/filters";
import { queryRows } from "@/db/rows";
import { parseGridState, type SearchParams } from "./params";
import { safeTimeZone } from "@/lib/dates";
import { gridFrom, gridOrderBy, gridWhere } from "./sql";
import type { GridColumn, GridDefinition, GridNotice, GridState } from "./types";
import { countOf } from "@/lib/format/count";

// A grid's current view (the URL state the grid itself reads) → a CSV stream of ALL its rows.
// Rows come from a server-side cursor (postgres.js) or LIMIT/OFFSET batches in the grid's total
// order (PGlite, which has no cursor API), so a million-row export never sits in memory.
// Every value is cast to text in SQL, so both drivers hand back the same strings: money stays the
// exact decimal Postgres holds, dates are ISO 8601 in UTC. The export is audited when it ends.
//
// An export holds a database connection while it streams, so exports are bounded: they read from
// their own small pool (db/client.ts), at most EXPORT_MAX_CONNECTIONS run at once per process (the
// next is refused with 503 at once rather than queued), and each stops after EXPORT_TIMEOUT_SECONDS
// however fast its client reads: the cursor is closed, its connection freed, and the file ends with
// a row saying it was cut. Postgres's statement_timeout on that pool stops a slow statement too.

/** Rows fetched per round trip. */
export const EXPORT_BATCH = 1_000;
/** A selection is at most this many ids (the grid's "select all N matching" is capped like counts). */
export const EXPORT_MAX_IDS = 10_000;

const ID_LIST = /^\d{1,15}(,\d{1,15})*$/;

/** `ids=1,2,3` (comma-separated, possibly repeated): the selected row ids, deduplicated. */
export const exportIdsSchema = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return null;
    const text = (Array.isArray(value) ? value : [value])
      .map((v) => v.trim())
      .filter(Boolean)
      .join(",");
    if (!text) return null;
    if (!ID_LIST.test(text)) {
      ctx.addIssue({ code: "custom", message: "ids must be row ids separated by commas" });
      return z.NEVER;
    }
    const ids = [...new Set(text.split(",").map(Number))].filter((n) => n > 0 && Number.isSafeInteger(n));
    if (ids.length > EXPORT_MAX_IDS) {
      ctx.addIssue({ code: "custom", message: `a selection is at most ${EXPORT_MAX_IDS.toLocaleString("en-US")} rows` });
      return z.NEVER;
    }
    return ids;
  });

/** `columns=a,b`: the grid's visible columns, in order; unknown ids are dropped. */
const columnsSchema = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) =>
    value === undefined
      ? null
      : (Array.isArray(value) ? value : [value])
          .flatMap((v) => v.split(","))
          .map((v) => v.trim())
          .filter(Boolean)
          .slice(0, 100),
  );

// ---------------------------------------------------------------------------------------------
// CSV text (RFC 4180, CRLF line ends).

const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One field: quoted when it holds a quote, comma or line break. A text starting like a spreadsheet
 * formula (= + - @, tab, CR) gets a leading apostrophe so Excel and friends show it as text instead
 * of running it; plain numbers (a negative amount) are left alone.
 */
export function csvField(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  const safe = FORMULA_START.test(value) && !NUMBER_TEXT.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvLine(values: readonly (string | null | undefined)[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

/** numeric(20,4) text without the padding zeros past the cents: "12.5000" → "12.50", "1.2345" stays. */
export function trimMoney(value: string): string {
  const m = /^(-?\d+)\.(\d*?)0*$/.exec(value);
  if (!m) return value;
  return `${m[1]}.${(m[2] ?? "").padEnd(2, "0")}`;
}

/** Quantities and counts: "2.0000" → "2", "1.5000" → "1.5". */
function trimNumber(value: string): string {
  return /^-?\d+\.\d+$/.test(value) ? value.replace(/\.?0+$/, "") : value;
}

// ---------------------------------------------------------------------------------------------
// Columns and the statement.

type OutputColumn = {
  header: string;
  alias: string;
  kind: GridColumn["kind"] | "currency";
  expr: string;
  format?: (value: unknown) => string;
};

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * The CSV's columns: the chosen grid columns, and beside the amounts their currency. When every
 * amount shares one currency (the usual case) that is one "Currency" column after the first amount;
 * otherwise each amount is followed by its own "<label> currency", so no amount is left to guess.
 */
export function exportColumns(definition: GridDefinition, columnIds: readonly string[] | null): OutputColumn[] {
  const known = new Map(definition.columns.map((c) => [c.id, c]));
  const picked = (columnIds ?? []).map((id) => known.get(id)).filter((c): c is GridColumn => c !== undefined);
  const chosen = picked.length ? [...new Set(picked)] : definition.columns.filter((c) => !c.hiddenByDefault);
  const currencies = new Set(chosen.flatMap((c) => (c.kind === "money" && c.currencySql ? [c.currencySql] : [])));
  const shared = currencies.size === 1;
  const out: OutputColumn[] = [];
  let sharedPlaced = false;
  for (const column of chosen) {
    const expr =
      column.kind === "date"
        ? `to_char((${column.sql}) AT TIME ZONE 'UTC', ${ISO_UTC})`
        : column.kind === "boolean"
          ? `CASE WHEN (${column.sql}) THEN 'yes' WHEN NOT (${column.sql}) THEN 'no' END`
          : `(${column.sql})::text`;
    out.push({ header: column.label, alias: `c${out.length}`, kind: column.kind, expr, format: column.format });
    const currency = column.kind === "money" ? column.currencySql : undefined;
    if (!currency || (shared && sharedPlaced)) continue;
    sharedPlaced = true;
    out.push({
      header: shared ? "Currency" : `${column.label} currency`,
      alias: `c${out.length}`,
      kind: "currency",
      expr: `(${currency})::text`,
    });
  }
  return out;
}

/** SELECT of the whole view (no LIMIT): the grid's own WHERE (with the selection) and ORDER BY. */
export function exportStatement(
  definition: GridDefinition,
  state: GridState,
  columns: readonly OutputColumn[],
  ids: readonly number[] | null,
  timeZone: string,
  extra: readonly SQL[] = [],
): SQL {
  const select = sql.raw(columns.map((c) => `${c.expr} AS "${c.alias}"`).join(", "));
  const where = gridWhere(definition, state, safeTimeZone(timeZone), { ids: ids ? ids.map(String) : null, extra });
  return sql`SELECT ${select} FROM ${gridFrom(definition, state)} WHERE ${where} ORDER BY ${gridOrderBy(definition, state)}`;
}

function formatRow(columns: readonly OutputColumn[], row: Record<string, unknown>): string {
  return csvLine(
    columns.map((c) => {
      const value = row[c.alias];
      if (value === null || value === undefined) return null;
      const text = String(value);
      // Formatted columns (the audit log's changes) go out as the grid shows them, redacted alike.
      if (c.format) return c.format(text);
      return c.kind === "money" ? trimMoney(text) : c.kind === "number" ? trimNumber(text) : text;
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Rows in batches, whichever driver.

export type DbHandle = {
  /** Audit entries (and rows, when there is no `exports`). */
  db: Db;
  kind: "postgres" | "pglite";
  /** The exports' own pool (db/client.ts), which the rows are read from. */
  exports?: Db;
  limits?: Pick<DatabaseLimits, "exportTimeoutMs" | "exportConnections">;
};

type CursorClient = {
  unsafe: (text: string, params: unknown[]) => { cursor: (rows: number) => AsyncIterable<Record<string, unknown>[]> };
};

const dialect = new PgDialect();

/** The statement's rows, EXPORT_BATCH at a time. */
export async function* rowBatches(handle: DbHandle, statement: SQL, batch = EXPORT_BATCH): AsyncGenerator<Record<string, unknown>[]> {
  const reader = handle.exports ?? handle.db;
  const client = (reader as unknown as { $client?: CursorClient }).$client;
  if (handle.kind === "postgres" && typeof client?.unsafe === "function") {
    const { sql: text, params } = dialect.sqlToQuery(statement);
    // One query, one snapshot; the generator's return() (a cancelled download) closes the cursor.
    yield* client.unsafe(text, params).cursor(batch);
    return;
  }
  for (let offset = 0; ; offset += batch) {
    const rows = await queryRows<Record<string, unknown>>(reader, sql`${statement} LIMIT ${batch} OFFSET ${offset}`);
    if (rows.length) yield rows;
    if (rows.length < batch) return;
  }
}

// ---------------------------------------------------------------------------------------------
// The export.

export type ExportRequest = {
  handle: DbHandle;
  user: SessionUser;
  definition: GridDefinition;
  /** The grid's URL query (search params), plus `ids` and `columns`. */
  params: SearchParams;
  timeZone?: string | null;
  /** Saved visible columns of this grid for the user, used when the URL names none. */
  savedColumns?: readonly string[] | null;
  now?: Date;
  ip?: string | null;
  /** Rows per batch (tests use small ones to cross batch boundaries). */
  batchSize?: number;
  /** Conditions the caller resolved for this user (a saved segment's: lib/segments/apply.ts). */
  extra?: readonly SQL[];
  /** Report grids: the filters as the caller read them in the scope's zone (zonedReportFilters). */
  report?: ReportFilters | null;
};

export type ExportResult =
  | { ok: true; filename: string; stream: ReadableStream<Uint8Array>; notices: GridNotice[]; done: Promise<ExportOutcome> }
  | { ok: false; status: 400 | 403 | 503; error: string };

/** timed_out: stopped at EXPORT_TIMEOUT_SECONDS; the file ends with a row saying so. */
export type ExportOutcome = { status: "completed" | "cancelled" | "failed" | "timed_out"; rows: number };

// Exports running in this process (one count for every module copy Next may load).
const running = globalThis as unknown as { __portalExportsRunning?: number };

/** Takes one of `max` export places, or null when all are taken; the function gives it back (once). */
function takeExportPlace(max: number): (() => void) | null {
  const now = running.__portalExportsRunning ?? 0;
  if (now >= max) return null;
  running.__portalExportsRunning = now + 1;
  let given = false;
  return () => {
    if (given) return;
    given = true;
    running.__portalExportsRunning = Math.max(0, (running.__portalExportsRunning ?? 1) - 1);
  };
}

/** Exports running now in this process (tests, health). */
export function exportsRunning(): number {
  return running.__portalExportsRunning ?? 0;
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return countOf(seconds, "second");
  return `${Math.round(seconds / 60)} minutes`;
}

/** The last row of a file cut at the time limit. */
export function timedOutRow(limitMs: number): string {
  return csvLine([
    `Export stopped after ${duration(limitMs)}: the rows above are complete, the rest was not sent. Narrow the filters or select fewer rows, then export again.`,
  ]);
}

/** orders-2026-11-25.csv (the day in UTC). */
export function exportFilename(definition: GridDefinition, now: Date): string {
  return `${definition.id.replaceAll("_", "-")}-${now.toISOString().slice(0, 10)}.csv`;
}

/**
 * Starts an export: validates the selection, and returns the CSV stream (header row first) and a
 * promise of its outcome. The audit entry ("export.csv", the grid, its filters and the rows sent)
 * is written when the stream ends, is cancelled or fails, so the row count is the real one.
 */
export function startCsvExport(request: ExportRequest): ExportResult {
  const { handle, user, definition, params } = request;
  // The route checks too; this keeps every caller honest about grids with their own permission.
  if (!can(user.role, definition.permission ?? "view_sales"))
    return { ok: false, status: 403, error: "Your role does not allow exporting this list." };
  const ids = exportIdsSchema.safeParse(params.ids);
  if (!ids.success)
    return { ok: false, status: 400, error: `Cannot export this selection: ${ids.error.issues[0]?.message ?? "invalid ids"}.` };
  const requestedColumns = columnsSchema.parse(params.columns);
  const parsed = parseGridState(definition, params);
  const notices = parsed.notices;
  const state = parsed.state.report && request.report ? { ...parsed.state, report: request.report } : parsed.state;
  const timeZone = safeTimeZone(request.timeZone);
  const columns = exportColumns(definition, requestedColumns ?? request.savedColumns ?? null);
  const statement = exportStatement(definition, state, columns, ids.data, timeZone, request.extra ?? []);
  const filename = exportFilename(definition, request.now ?? new Date());

  const limits = { ...DEFAULT_LIMITS, ...handle.limits };
  const giveBack = takeExportPlace(limits.exportConnections);
  if (!giveBack) {
    return {
      ok: false,
      status: 503,
      error: `${limits.exportConnections === 1 ? "An export is" : `${limits.exportConnections} exports are`} already running, the most at once. Try again in a minute.`,
    };
  }

  const encoder = new TextEncoder();
  const batches = rowBatches(handle, statement, request.batchSize ?? EXPORT_BATCH);
  let rows = 0;
  let settle!: (outcome: ExportOutcome) => void;
  const done = new Promise<ExportOutcome>((resolve) => (settle = resolve));
  let finished = false;
  const finish = async (status: ExportOutcome["status"]) => {
    if (finished) return;
    finished = true;
    clearTimeout(deadline);
    giveBack();
    try {
      await writeAudit(handle.db, {
        userId: user.id,
        actor: user.email,
        action: "export.csv",
        entityType: "grid",
        entityId: definition.id,
        channelId: state.channelId ?? undefined,
        ip: request.ip ?? null,
        details: {
          grid: definition.id,
          filters: state.filters,
          q: state.q,
          channel: state.channelId,
          segment: state.segmentId ?? null,
          report: state.report ? { range: state.report.range, website: state.report.websiteId } : undefined,
          sort: state.sort,
          timeZone,
          selection: ids.data ? ids.data.length : null,
          columns: columns.map((c) => c.header),
          rows,
          status,
        },
      });
    } finally {
      settle({ status, rows });
    }
  };

  // Time's up: the cursor is closed (its connection goes back), and the file ends with a row that
  // says so, whether or not the client is reading. A batch being read finishes first (Postgres's
  // statement_timeout on the exports pool stops it if it is the slow part).
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let reading = false;
  let timeUp = false;
  const stopForTime = async () => {
    if (finished) return;
    await batches.return(undefined).catch(() => {});
    try {
      controller?.enqueue(encoder.encode(timedOutRow(limits.exportTimeoutMs)));
      controller?.close();
    } catch {
      // Already cancelled by the client.
    }
    await finish("timed_out");
  };
  const deadline = setTimeout(() => {
    timeUp = true;
    if (!reading) void stopForTime();
  }, limits.exportTimeoutMs);
  deadline.unref?.();

  const stream = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      // The byte order mark tells Excel the file is UTF-8 (names with accents stay readable).
      streamController.enqueue(encoder.encode(`\uFEFF${csvLine(columns.map((c) => c.header))}`));
    },
    async pull(streamController) {
      // After the deadline, stopForTime ends the file (and must not race a last read).
      if (finished || timeUp) return;
      reading = true;
      try {
        const next = await batches.next();
        if (next.done) {
          await finish("completed");
          streamController.close();
          return;
        }
        rows += next.value.length;
        streamController.enqueue(encoder.encode(next.value.map((row) => formatRow(columns, row)).join("")));
        if (timeUp) await stopForTime();
      } catch (error) {
        // 57014: Postgres stopped the statement at the exports' statement_timeout.
        if (timeUp || databaseErrorOf(error)?.code === "57014") {
          await stopForTime();
          return;
        }
        await finish("failed").catch(() => {});
        streamController.error(error);
      } finally {
        reading = false;
      }
    },
    async cancel() {
      await batches.return(undefined).catch(() => {});
      await finish("cancelled");
    },
  });
  return { ok: true, filename, stream, notices, done };
}
