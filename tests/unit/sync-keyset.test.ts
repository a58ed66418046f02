import { describe, expect, it } from "vitest";
import { advanceCursor, alreadySeen, keysetCriteria, KeysetStalledError, type KeysetCursor, type RecordKey } from "@/lib/sync/keyset";

// Keyset paging against an in-memory "Magento" that changes between requests: every record is
// returned exactly once whatever happens to the others, and a page of one timestamp never loops.

type Row = { id: number; at: string };

function search(rows: Row[], cursor: KeysetCursor | null, size: number): { keys: RecordKey[]; total: number } {
  const criteria = keysetCriteria({ from: null, to: null }, cursor, size);
  const match = rows.filter((r) =>
    (criteria.filterGroups ?? []).every((group) =>
      group.some((f) => {
        const value = f.field === "updated_at" ? r.at : r.id;
        const other = f.field === "updated_at" ? String(f.value) : Number(f.value);
        if (f.conditionType === "gteq") return value >= other;
        if (f.conditionType === "gt") return value > other;
        if (f.conditionType === "eq") return value === other;
        throw new Error(f.conditionType);
      }),
    ),
  );
  const byId = criteria.sortOrders?.length === 1;
  match.sort((a, b) => (byId ? a.id - b.id : a.at.localeCompare(b.at) || a.id - b.id));
  return { keys: match.slice(0, size).map((r) => ({ at: r.at, id: String(r.id) })), total: match.length };
}

function walk(rows: Row[], size: number, between?: (request: number) => void) {
  const seen: string[] = [];
  let cursor: KeysetCursor | null = null;
  for (let request = 1; request < 500; request++) {
    const page = search(rows, cursor, size);
    for (const key of page.keys) if (!alreadySeen(cursor, key)) seen.push(key.id!);
    const next = advanceCursor(cursor, page.keys, size, page.total);
    cursor = next.cursor;
    if (next.done) return { seen, requests: request };
    between?.(request);
  }
  throw new Error("endless paging");
}

const t = (s: number) => `2026-01-01 00:${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;

describe("keyset paging", () => {
  it("returns every record once, in a few requests", () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ id: i + 1, at: t(i) }));
    const { seen, requests } = walk(rows, 10);
    expect(seen).toEqual(rows.map((r) => String(r.id)));
    expect(requests).toBe(3);
  });

  it("a record edited mid-walk (moved to the end) neither hides another nor repeats", () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ id: i + 1, at: t(i) }));
    const { seen } = walk(rows, 10, (request) => {
      if (request === 1) rows.find((r) => r.id === 3)!.at = t(100); // already read: read again at the end
      if (request === 2) rows.find((r) => r.id === 25)!.at = t(101); // not read yet: read once, at the end
    });
    expect(new Set(seen).size).toBe(seen.length - 1); // id 3 twice (it changed), nothing else
    expect(seen.filter((id) => id === "3")).toHaveLength(2);
    expect(new Set(seen)).toEqual(new Set(rows.map((r) => String(r.id))));
  });

  it("pages through more records sharing one timestamp than fit a page (bulk import)", () => {
    const rows = [
      { id: 1, at: t(0) },
      ...Array.from({ length: 35 }, (_, i) => ({ id: i + 2, at: t(5) })),
      { id: 40, at: t(6) },
      { id: 41, at: t(7) },
    ];
    const { seen } = walk(rows, 10);
    expect(seen).toEqual(rows.map((r) => String(r.id)));
  });

  it("keeps the ids written at the cursor's timestamp and drops them from the next page", () => {
    const first = advanceCursor(
      null,
      [
        { at: t(1), id: "1" },
        { at: t(2), id: "2" },
        { at: t(2), id: "3" },
      ],
      3,
      10,
    );
    expect(first).toEqual({ cursor: { kind: "from", at: t(2), ids: ["2", "3"] }, done: false });
    expect(alreadySeen(first.cursor, { at: t(2), id: "3" })).toBe(true);
    expect(alreadySeen(first.cursor, { at: t(2), id: "4" })).toBe(false);
    expect(keysetCriteria({ from: null, to: new Date("2026-02-01T00:00:00Z") }, first.cursor, 3).filterGroups).toEqual([
      [{ field: "updated_at", conditionType: "gteq", value: t(2) }],
      [{ field: "updated_at", conditionType: "lt", value: "2026-02-01 00:00:00" }],
    ]);
  });

  it("stops with a clear error when Magento ignores the filters (the same first page every time), instead of looping", () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ id: i + 1, at: t(i) }));
    const ignoringFilters = () => ({ keys: rows.slice(0, 10).map((r) => ({ at: r.at, id: String(r.id) })), total: rows.length });
    let cursor: KeysetCursor | null = null;
    let requests = 0;
    const walkIgnored = () => {
      for (; requests < 50; requests++) {
        const page = ignoringFilters();
        const next = advanceCursor(cursor, page.keys, 10, page.total, "orders");
        cursor = next.cursor;
        if (next.done) return;
      }
    };
    expect(walkIgnored).toThrow(KeysetStalledError);
    expect(requests).toBe(1);
    expect(walkIgnored).toThrow(/Magento ignored the updated_at filter.*orders.*updated from 2026-01-01 00:00:09/);
  });

  it("stops when a page ignoring the filters comes back during a tie or after it", () => {
    const same = Array.from({ length: 4 }, (_, i) => ({ at: t(5), id: String(i + 1) }));
    const tie = advanceCursor(null, same, 4, 100);
    expect(tie.cursor).toEqual({ kind: "tie", at: t(5), afterId: "4" });
    expect(() => advanceCursor(tie.cursor, same, 4, 100)).toThrow(KeysetStalledError);
    expect(() => advanceCursor({ kind: "after", at: t(5) }, same, 4, 100)).toThrow(KeysetStalledError);
    // A short page is the end of the window either way: nothing to stop.
    expect(advanceCursor({ kind: "after", at: t(5) }, same.slice(0, 2), 4, 2).done).toBe(true);
  });

  it("refuses to loop on a full page without readable timestamps", () => {
    expect(() =>
      advanceCursor(
        null,
        [
          { at: null, id: "1" },
          { at: null, id: "2" },
        ],
        2,
        5,
      ),
    ).toThrow(/updated_at/);
  });
});
