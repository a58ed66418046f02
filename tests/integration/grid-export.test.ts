import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { channels, users } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/session";
import { createMagentoClient, type MagentoClient } from "@/lib/magento/client";
import { startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { csvField, csvLine, EXPORT_MAX_IDS, startCsvExport, trimMoney, type DbHandle, type ExportRequest } from "@/lib/grid/export";
import { parseGridState, type SearchParams } from "@/lib/grid/params";
import { loadGridPage, type GridRow } from "@/lib/grid/sql";
import { GRIDS } from "@/lib/grid-registry";
import { creditMemosGrid } from "@/lib/credit-memos/grid";
import { ordersGrid } from "@/lib/orders/grid";
import type { GridDefinition } from "@/lib/grid/types";
import { runChannelSync } from "@/lib/sync/runner";
import { queryRows } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// CSV export (lib/grid/export.ts) on a store synced from the Magento simulator into real Postgres:
// the file holds exactly the rows of the grid's view, in its order, with exact values.

let sim: RunningSimulator;
let database: TestDatabase;
let db: Db;
let handle: DbHandle;
let user: SessionUser;
let client: MagentoClient;

beforeAll(async () => {
  sim = await startMagentoSimulator({ port: 0, seed: 512, customers: 40, orders: 180 });
  database = await createTestDatabase();
  db = database.db;
  handle = { db, kind: "postgres" };
  const [channel] = await db.insert(channels).values({ name: "Export store", baseUrl: sim.baseUrl }).returning();
  client = createMagentoClient({
    baseUrl: sim.baseUrl,
    auth: { type: "bearer", token: sim.adminToken },
    requestsPerSecond: null,
    maxRetries: 8,
    backoff: { baseDelayMs: 10, maxDelayMs: 50 },
  });
  const run = await runChannelSync({ db, channelId: channel!.id, mode: "initial", trigger: "cli", client, pageSize: 50 });
  expect(run.status).toBe("succeeded");
  const [row] = await db
    .insert(users)
    .values({ email: "viewer@example.test", name: "Vera Viewer", role: "viewer", passwordHash: "x" })
    .returning();
  user = { id: row!.id, email: row!.email, name: row!.name, role: "viewer", permissions: ["view_sales"] };
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await database?.drop();
});

/** RFC 4180 reader (quoted fields, doubled quotes, CRLF), for checking what the export wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  if (field || row.length) throw new Error("CSV does not end with CRLF");
  return rows;
}

async function exportCsv(definition: GridDefinition, params: SearchParams, extra: Partial<ExportRequest> = {}) {
  const result = startCsvExport({ handle, user, definition, params, now: new Date("2026-11-25T12:00:00Z"), ...extra });
  if (!result.ok) throw new Error(result.error);
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await new Response(result.stream).arrayBuffer());
  expect(text.startsWith("\uFEFF")).toBe(true);
  const [header, ...rows] = parseCsv(text.slice(1));
  return { header: header!, rows, filename: result.filename, outcome: await result.done };
}

/** Every page of the grid's view, as the grid shows it. */
async function allPages(definition: GridDefinition, params: SearchParams): Promise<GridRow[]> {
  const out: GridRow[] = [];
  for (let page = 1; ; page++) {
    const { state } = parseGridState(definition, { ...params, page: String(page), size: "25" });
    const result = await loadGridPage(db, definition, state, "UTC");
    out.push(...result.rows);
    if (result.rows.length < 25) return out;
  }
}

const iso = (value: unknown) =>
  value === null || value === undefined ? "" : new Date(value instanceof Date ? value : String(value)).toISOString();

describe("CSV fields", () => {
  it("quotes per RFC 4180 and neutralizes formulas, but not negative amounts", () => {
    expect(csvField(null)).toBe("");
    expect(csvField("plain")).toBe("plain");
    expect(csvField('say "hi", then\r\nleave')).toBe('"say ""hi"", then\r\nleave"');
    expect(csvField("=SUM(A1:A9)")).toBe("'=SUM(A1:A9)");
    expect(csvField("+1 555")).toBe("'+1 555");
    expect(csvField("-cmd|' /C calc'!A0")).toBe("'-cmd|' /C calc'!A0");
    expect(csvField("@import")).toBe("'@import");
    expect(csvField('=HYPERLINK("http://x","a,b")')).toBe(`"'=HYPERLINK(""http://x"",""a,b"")"`);
    expect(csvField("-12.50")).toBe("-12.50");
    expect(csvLine(["a", null, "b,c"])).toBe('a,,"b,c"\r\n');
    expect(trimMoney("12.5000")).toBe("12.50");
    expect(trimMoney("-0.1234")).toBe("-0.1234");
    expect(trimMoney("7.0000")).toBe("7.00");
  });
});

describe("grid CSV export (Postgres, synced from the simulator)", () => {
  const columns = "increment_id,customer,email,status,grand_total,total_refunded,created_at,is_guest";
  const view: SearchParams = { sort: "-grand_total", f_created_at: "2000-01-01..2100-01-01", f_grand_total: "20..", columns };

  it("has exactly the rows of a filtered, sorted view, in order, with exact values", async () => {
    const expected = await allPages(ordersGrid, view);
    expect(expected.length).toBeGreaterThan(25); // several grid pages
    // Small batches: the export crosses many batch boundaries.
    const { header, rows, filename, outcome } = await exportCsv(ordersGrid, view, { batchSize: 7 });
    expect(filename).toBe("orders-2026-11-25.csv");
    expect(header).toEqual(["Order #", "Customer", "Email", "Status", "Grand total", "Currency", "Refunded", "Created", "Guest"]);
    expect(outcome).toEqual({ status: "completed", rows: expected.length });
    expect(rows.length).toBe(expected.length);
    rows.forEach((cells, i) => {
      const v = expected[i]!.values;
      expect(cells[0]).toBe(String(v.increment_id));
      expect(cells[1]).toBe(String(v.customer ?? ""));
      expect(cells[2]).toBe(String(v.email ?? ""));
      expect(cells[3]).toBe(String(v.status));
      expect(cells[4]).toBe(trimMoney(String(v.grand_total)));
      expect(cells[4]).toMatch(/^-?\d+\.\d{2,4}$/);
      expect(cells[5]).toBe(String(v.grand_total__currency ?? ""));
      expect(cells[6]).toBe(trimMoney(String(v.total_refunded)));
      expect(cells[7]).toBe(iso(v.created_at));
      expect(cells[7]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(cells[8]).toBe(v.is_guest === true || v.is_guest === "t" ? "yes" : "no");
    });
    // Amounts are the database's exact decimals (no float on the way).
    const [sum] = await queryRows<{ total: string }>(
      db,
      sql`
      SELECT sum(grand_total)::text AS total FROM magento_orders WHERE removed_at IS NULL AND grand_total >= 20`,
    );
    const units = (text: string) => {
      const [whole = "0", fraction = ""] = text.split(".");
      return BigInt(`${whole}${fraction.padEnd(4, "0")}`);
    };
    expect(rows.reduce((acc, r) => acc + units(r[4]!), 0n)).toBe(units(sum!.total));
  });

  it("gives every amount its currency, as Magento has it: EUR orders say EUR", async () => {
    const currencyOf = new Map<string, string | null>();
    for await (const page of client.searchAll("orders", { pageSize: 100 })) {
      for (const order of page.records) currencyOf.set(String(order.increment_id), order.order_currency_code ?? null);
    }
    const { header, rows } = await exportCsv(ordersGrid, {
      columns: "increment_id,grand_total,subtotal,total_paid,total_refunded,discount_amount",
    });
    // The order's amounts share its currency: one column, beside the first amount.
    expect(header).toEqual(["Order #", "Grand total", "Currency", "Subtotal", "Paid", "Refunded", "Discount"]);
    expect(rows.length).toBe(currencyOf.size);
    for (const cells of rows) expect(cells[2], `order ${cells[0]}`).toBe(currencyOf.get(cells[0]!));
    const eur = rows.filter((cells) => cells[2] === "EUR");
    expect(eur.length).toBeGreaterThan(0);
    expect(rows.filter((cells) => cells[2] === "USD").length).toBeGreaterThan(0);
    expect(rows.every((cells) => cells[2] === "EUR" || cells[2] === "USD")).toBe(true);
  });

  it("a credit memo without its own currency code exports its order's", async () => {
    const [memo] = await queryRows<{ id: string; increment_id: string; currency: string }>(
      db,
      sql`
      SELECT m.id::text, m.increment_id, o.order_currency_code AS currency FROM magento_credit_memos m JOIN magento_orders o ON o.id = m.order_id
      WHERE o.order_currency_code = 'EUR' ORDER BY m.id LIMIT 1`,
    );
    expect(memo).toBeDefined();
    await db.execute(sql`UPDATE magento_credit_memos SET order_currency_code = NULL WHERE id = ${memo!.id}`);
    const { header, rows } = await exportCsv(creditMemosGrid, {
      columns: "increment_id,grand_total,adjustment",
      f_increment_id: `equals:${memo!.increment_id}`,
    });
    expect(header).toEqual(["Memo #", "Grand total", "Currency", "Adjustment"]);
    expect(rows.map((cells) => cells[2])).toEqual(["EUR"]);
  });

  it("the batched (PGlite) path gives the same file as the cursor", async () => {
    const cursor = await exportCsv(ordersGrid, view);
    const batched = await exportCsv(ordersGrid, view, { handle: { db, kind: "pglite" }, batchSize: 11 });
    expect(batched.rows).toEqual(cursor.rows);
  });

  it("neutralizes formulas and quotes awkward text coming from Magento data", async () => {
    const [target] = await queryRows<{ id: string; increment_id: string }>(
      db,
      sql`SELECT id::text, increment_id FROM magento_orders ORDER BY id LIMIT 1`,
    );
    await db.execute(sql`
      UPDATE magento_orders SET customer_first_name = '=HYPERLINK("http://evil.test","click")', customer_last_name = NULL,
        customer_email = '@a,"b"@example.test' WHERE id = ${target!.id}`);
    const { rows } = await exportCsv(ordersGrid, {
      columns: "increment_id,customer,email",
      f_increment_id: `equals:${target!.increment_id}`,
    });
    expect(rows).toEqual([[target!.increment_id, `'=HYPERLINK("http://evil.test","click")`, `'@a,"b"@example.test`]]);
  });

  it("exports a selection of ids, in the view's order, and refuses bad selections", async () => {
    const expected = await allPages(ordersGrid, view);
    const picked = [expected[9]!, expected[2]!, expected[5]!];
    const { rows, outcome } = await exportCsv(ordersGrid, { ...view, ids: `${picked.map((r) => r.id).join(",")},${picked[0]!.id}` });
    expect(rows.map((r) => r[0])).toEqual([expected[2]!, expected[5]!, expected[9]!].map((r) => String(r.values.increment_id)));
    expect(outcome.rows).toBe(3);

    const bad = (ids: string) => startCsvExport({ handle, user, definition: ordersGrid, params: { ids } });
    expect(bad("1,2;DROP TABLE x")).toMatchObject({ ok: false, status: 400 });
    expect(bad("1,,2")).toMatchObject({ ok: false, status: 400 });
    expect(bad(Array.from({ length: EXPORT_MAX_IDS + 1 }, (_, i) => i + 1).join(","))).toMatchObject({ ok: false, status: 400 });
    const max = startCsvExport({
      handle,
      user,
      definition: ordersGrid,
      params: { ids: Array.from({ length: EXPORT_MAX_IDS }, (_, i) => i + 1).join(",") },
    });
    expect(max.ok).toBe(true);
    if (max.ok) await max.stream.cancel();
  });

  it("records each export in the audit log with its filters and row count", async () => {
    await db.execute(sql`DELETE FROM audit_log`);
    const { outcome } = await exportCsv(ordersGrid, { ...view, q: "a" });
    const [entry] = await queryRows<{
      user_id: string;
      actor: string;
      action: string;
      entity_type: string;
      entity_id: string;
      details: Record<string, unknown>;
    }>(db, sql`SELECT user_id::text, actor, action, entity_type, entity_id, details FROM audit_log`);
    expect(entry).toMatchObject({
      user_id: String(user.id),
      actor: user.email,
      action: "export.csv",
      entity_type: "grid",
      entity_id: "orders",
    });
    expect(entry!.details).toMatchObject({
      grid: "orders",
      q: "a",
      rows: outcome.rows,
      status: "completed",
      sort: { column: "grand_total", direction: "desc" },
      filters: {
        created_at: { kind: "date", from: "2000-01-01", to: "2100-01-01" },
        grand_total: { kind: "number", min: "20", max: null },
      },
    });
  });

  it("a download stopped half way is audited as cancelled with the rows sent", async () => {
    await db.execute(sql`DELETE FROM audit_log`);
    const result = startCsvExport({ handle, user, definition: ordersGrid, params: {}, batchSize: 5 });
    if (!result.ok) throw new Error(result.error);
    const reader = result.stream.getReader();
    await reader.read(); // header
    await reader.read(); // first batch
    await reader.cancel();
    const outcome = await result.done;
    expect(outcome.status).toBe("cancelled");
    const [entry] = await queryRows<{ details: { rows: number; status: string } }>(
      db,
      sql`SELECT details FROM audit_log WHERE action = 'export.csv'`,
    );
    expect(entry!.details).toMatchObject({ status: "cancelled", rows: outcome.rows });
  });

  it("every grid exports its whole view with the grid's column labels", async () => {
    // The viewer reads the sales grids; the audit log (admins only) has its own tests.
    for (const definition of Object.values(GRIDS).filter((d) => (d.permission ?? "view_sales") === "view_sales")) {
      const expected = await allPages(definition, {});
      const { header, rows } = await exportCsv(definition, {});
      const labels = definition.columns.filter((c) => !c.hiddenByDefault).map((c) => c.label);
      expect(header.filter((h) => !h.endsWith("urrency") || labels.includes(h))).toEqual(labels);
      expect(rows.length, definition.id).toBe(expected.length);
      expect(rows.every((r) => r.length === header.length)).toBe(true);
    }
  });
});
