import { describe, expect, it } from "vitest";
import { cardFields, foldColumns, priorityOf, type FitColumn } from "@/lib/grid/fit";
import type { ClientColumn } from "@/lib/grid/display";

// Column priorities: which of the columns a user shows fold away when the grid is narrower than
// their natural widths, and which fields a row's card shows on a phone.

const col = (id: string, priority: 1 | 2 | 3, width: number): FitColumn => ({ id, priority, width });

describe("foldColumns", () => {
  const columns = [col("number", 1, 100), col("customer", 2, 150), col("store", 3, 140), col("created", 1, 190), col("items", 3, 60)];

  it("folds nothing when every column fits", () => {
    expect(foldColumns(columns, 640 + 50, { fixed: 50 })).toEqual([]);
    expect(foldColumns(columns, 2000)).toEqual([]);
  });

  it("folds the lowest priority first, the rightmost of a priority first, until the rest fits", () => {
    // 640 wide; 600 available: folding items (60) is enough.
    expect(foldColumns(columns, 600)).toEqual(["items"]);
    // 500: items then store (200 folded).
    expect(foldColumns(columns, 500)).toEqual(["items", "store"]);
    // 400: then customer (priority 2).
    expect(foldColumns(columns, 400)).toEqual(["items", "store", "customer"]);
  });

  it("never folds a priority-1 column, even when the rest still does not fit (the grid scrolls then)", () => {
    expect(foldColumns(columns, 100)).toEqual(["items", "store", "customer"]);
  });

  it("counts the fixed width (selection and actions columns) against the space", () => {
    expect(foldColumns(columns, 640)).toEqual([]);
    expect(foldColumns(columns, 640, { fixed: 40 })).toEqual(["items"]);
  });

  it("keeps the columns the user asked to see although they do not fit", () => {
    expect(foldColumns(columns, 500, { keep: new Set(["store"]) })).toEqual(["items", "customer"]);
  });

  it("folds nothing when the width is unknown (the table is not laid out, e.g. cards on a phone)", () => {
    expect(foldColumns(columns, 0)).toEqual([]);
  });
});

const client = (id: string, extra: Partial<ClientColumn> = {}): ClientColumn => ({
  id,
  label: id.toUpperCase(),
  kind: "text",
  filter: "text",
  sortable: true,
  options: null,
  hiddenByDefault: false,
  align: "left",
  wrap: false,
  priority: 2,
  card: null,
  ...extra,
});

describe("priorityOf", () => {
  it("makes the first column essential unless it says otherwise", () => {
    expect(priorityOf({ id: "a" }, 0)).toBe(1);
    expect(priorityOf({ id: "b" }, 3)).toBe(2);
    expect(priorityOf({ id: "c", priority: 3 }, 1)).toBe(3);
  });
});

describe("cardFields", () => {
  it("takes the columns by their declared card role, in the card's order", () => {
    const columns = [
      client("date", { card: "date" }),
      client("status", { card: "status" }),
      client("number", { card: "title" }),
      client("total", { card: "amount" }),
      client("who", { card: "who" }),
      client("store"),
    ];
    const fields = cardFields(columns);
    expect(fields.title.id).toBe("number");
    expect(fields.lines.map((c) => c.id)).toEqual(["who", "total", "status", "date"]);
  });

  it("without roles, shows the first column as the title and the next visible ones with their labels", () => {
    const columns = [client("a"), client("b"), client("c", { hiddenByDefault: true }), client("d"), client("e"), client("f"), client("g")];
    const fields = cardFields(columns, new Set(["a", "b", "d", "e", "f", "g"]));
    expect(fields.title.id).toBe("a");
    expect(fields.lines.map((c) => c.id)).toEqual(["b", "d", "e", "f"]);
    expect(fields.labelled).toBe(true);
  });
});
