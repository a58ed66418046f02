import { describe, expect, it } from "vitest";
import { exportColumns } from "@/lib/grid/export";
import { assertDefinition } from "@/lib/grid/sql";
import type { GridDefinition } from "@/lib/grid/types";

// Which columns a CSV gets: no exported amount goes without a currency beside it.

const base: GridDefinition = {
  id: "orders",
  title: "Test",
  noun: "rows",
  from: "t",
  where: "true",
  idSql: "t.id",
  channelSql: "t.channel_id",
  defaultSort: { column: "name", direction: "asc" },
  columns: [
    { id: "name", label: "Name", kind: "text", sql: "t.name" },
    { id: "paid", label: "Paid", kind: "money", sql: "t.paid", currencySql: "t.currency" },
    { id: "refunded", label: "Refunded", kind: "money", sql: "t.refunded", currencySql: "t.currency" },
    { id: "base_paid", label: "Paid (base)", kind: "money", sql: "t.base_paid", currencySql: "t.base_currency" },
  ],
};

const headers = (ids: string[]) => exportColumns(base, ids).map((c) => c.header);

describe("CSV currency columns", () => {
  it("adds one Currency column after the first amount when every amount shares it", () => {
    expect(headers(["name", "paid", "refunded"])).toEqual(["Name", "Paid", "Currency", "Refunded"]);
    expect(headers(["refunded", "name"])).toEqual(["Refunded", "Currency", "Name"]);
  });

  it("gives each amount its own currency column when the amounts do not share one", () => {
    expect(headers(["name", "paid", "refunded", "base_paid"])).toEqual([
      "Name",
      "Paid",
      "Paid currency",
      "Refunded",
      "Refunded currency",
      "Paid (base)",
      "Paid (base) currency",
    ]);
    const columns = exportColumns(base, ["paid", "base_paid"]);
    expect(columns.filter((c) => c.kind === "currency").map((c) => c.expr)).toEqual(["(t.currency)::text", "(t.base_currency)::text"]);
  });

  it("adds no currency column to a file without amounts", () => {
    expect(headers(["name"])).toEqual(["Name"]);
  });

  it("refuses a grid whose money column names no currency", () => {
    const bad = { ...base, columns: [...base.columns, { id: "fee", label: "Fee", kind: "money" as const, sql: "t.fee" }] };
    expect(() => assertDefinition(bad)).toThrow(/money column "fee" needs a currencySql/);
    expect(assertDefinition(base)).toBe(base);
  });
});
