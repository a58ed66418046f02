import { describe, expect, it } from "vitest";
import {
  countLabel,
  describeFilter,
  exportHref,
  gridHref,
  isFiltered,
  pageWindow,
  sortChange,
  withFilter,
  withoutFilter,
} from "@/components/data-grid/grid-url";
import { formatUtc } from "@/lib/dates";
import { clientDefinition, displayRow, statusTone } from "@/lib/grid/display";
import { cartsGrid } from "@/lib/carts/grid";
import { creditMemosGrid } from "@/lib/credit-memos/grid";
import { customersGrid } from "@/lib/customers/grid";
import { ordersGrid } from "@/lib/orders/grid";
import { subscribersGrid } from "@/lib/subscribers/grid";
import { parseGridState } from "@/lib/grid/params";
import { parseIds } from "@/lib/grid/sql";

// The grid's links and cells: every control is a URL that reads back as the same state, and
// cells are formatted exactly on the server.

const base = parseGridState(ordersGrid, {}).state;

describe("grid links", () => {
  it("round-trip filters, sort and page through the URL", () => {
    const state = parseGridState(ordersGrid, { f_status: ["pending", "complete"], sort: "-grand_total", page: "2", size: "100" }).state;
    const href = gridHref("/sales/orders", ordersGrid, state, withFilter(state, "email", { kind: "text", op: "starts", value: "jo" }));
    const query = new URLSearchParams(href.split("?")[1]);
    expect(query.getAll("f_status")).toEqual(["pending", "complete"]);
    expect(query.get("f_email")).toBe("starts:jo");
    expect(query.get("page")).toBeNull(); // a new filter starts at page 1
    expect(query.get("size")).toBe("100");
    expect(gridHref("/sales/orders", ordersGrid, state, withoutFilter(state, "status"))).not.toContain("f_status");
    // A customer page's tab keeps its own query: the grid's parameters join it with "&".
    expect(gridHref("/customers/7?tab=carts", ordersGrid, state, { page: 2 })).toMatch(/^\/customers\/7\?tab=carts&.*page=2$/);
  });

  it("sorts ascending first, then descending", () => {
    expect(sortChange(base, "grand_total").sort).toEqual({ column: "grand_total", direction: "asc" });
    const asc = { ...base, sort: { column: "grand_total", direction: "asc" as const } };
    expect(sortChange(asc, "grand_total").sort).toEqual({ column: "grand_total", direction: "desc" });
  });

  it("describes filters in words for chips", () => {
    const status = { label: "Status", options: [{ value: "pending", label: "Pending" }] };
    expect(describeFilter(status, { kind: "choice", values: ["pending", "x"] })).toBe("Status: Pending, x");
    expect(describeFilter({ label: "Total", options: null }, { kind: "number", min: "10", max: null })).toBe("Total ≥ 10");
    expect(describeFilter({ label: "Created", options: null }, { kind: "date", preset: "last_7_days", from: null, to: null })).toBe(
      "Created: Last 7 days",
    );
    expect(describeFilter({ label: "Email", options: null }, { kind: "text", op: "starts", value: "jo" })).toBe("Email starts with “jo”");
    expect(isFiltered(base)).toBe(false);
    expect(isFiltered({ ...base, q: "x" })).toBe(true);
  });

  it("counts, page windows and export links", () => {
    expect(countLabel(1234, false, "orders")).toBe("1,234 orders");
    expect(countLabel(10000, true, "orders")).toBe("10,000+ orders");
    expect(countLabel(1, false, "orders")).toBe("1 order");
    expect(countLabel(1, false, "entries")).toBe("1 entry");
    expect(pageWindow(1, 1)).toEqual([1]);
    expect(pageWindow(6, 120)).toEqual([1, null, 4, 5, 6, 7, 8, null, 120]);
    expect(pageWindow(3, null)).toEqual([1, 2, 3, 4]); // capped count: only the next page is known
    const state = { ...base, page: 4, q: "jo" };
    expect(exportHref("orders", ordersGrid, state, null)).toBe("/export/orders?q=jo");
    expect(exportHref("orders", ordersGrid, state, ["1", "2"])).toBe("/export/orders?q=jo&ids=1%2C2");
    expect(parseIds("1,2,x,3; DROP")).toEqual(["1", "2"]);
  });
});

describe("grid cells", () => {
  it("formats money, dates, statuses and links from raw rows", () => {
    const row = displayRow(
      ordersGrid,
      {
        id: "7",
        values: {
          increment_id: "000000123",
          grand_total: "1234.5000",
          grand_total__currency: "EUR",
          status: "complete",
          created_at: "2024-03-01 23:30:00+00",
          customer: "Jane Doe",
          customer__href: "/customers/4",
          is_guest: false,
          items_count: 3,
        },
      },
      "Europe/Berlin",
    );
    expect(row.href).toBe("/sales/orders/7");
    expect(row.cells.grand_total).toEqual({ text: "€1,234.50", href: undefined });
    expect(row.cells.status).toMatchObject({ text: "Complete", tone: "green" });
    expect(row.cells.customer).toMatchObject({ text: "Jane Doe", href: "/customers/4" });
    // Compact in the cell, already the 2nd in Berlin; the title has the zone and the UTC instant.
    expect(row.cells.created_at!.text).toBe("2024-03-02 00:30");
    expect(row.cells.created_at!.title).toBe("02 Mar 2024, 00:30 CET (2024-03-01 23:30:00 UTC)");
    expect(row.cells.is_guest!.text).toBe("No");
    expect(row.cells.email!.text).toBe("—");
    expect(formatUtc(new Date(0))).toBe("1970-01-01 00:00:00 UTC");
    expect(statusTone("canceled")).toBe("red");
  });

  it("every definition is serializable for the client, with money and numbers right-aligned", () => {
    for (const definition of [ordersGrid, cartsGrid, customersGrid, creditMemosGrid, subscribersGrid]) {
      const client = clientDefinition(definition, {});
      expect(JSON.parse(JSON.stringify(client))).toEqual(client);
      for (const column of definition.columns) {
        const right = column.kind === "money" || (column.kind === "number" && !column.plain);
        expect(client.columns.find((c) => c.id === column.id)!.align).toBe(right ? "right" : "left");
      }
      expect(definition.columns.some((c) => c.id === definition.defaultSort.column)).toBe(true);
      expect(definition.where).toContain("removed_at IS NULL");
    }
    expect(customersGrid.where).toContain("merged_into_id IS NULL");
    const memo = displayRow(creditMemosGrid, { id: "1", values: { status: "refunded" } }, "UTC");
    expect(memo.cells.status).toMatchObject({ text: "Refunded", tone: "green" });
  });
});
