import { describe, expect, it } from "vitest";
import { paginate, PaginationLimitError, type PageSource, type PaginatedPage } from "@/lib/magento/paginate";
import type { InvalidRecord } from "@/lib/magento/validate";

// The paginator must stop on every Magento behaviour past the last page: an empty page (2.4),
// the last page again (before 2.4), a short page, and a total_count that lies.

type Row = { entity_id: number };
const rows = (from: number, to: number): Row[] => Array.from({ length: to - from + 1 }, (_, i) => ({ entity_id: from + i }));

/** A fake search route over `total` rows with a configurable past-the-end answer. */
function fakeSource(options: { total: number; pageSize: number; pastEnd: "empty" | "lastPageAgain"; reportedTotal?: number | null }) {
  const requested: number[] = [];
  const lastPage = Math.max(1, Math.ceil(options.total / options.pageSize));
  const source: PageSource<Row> = async (page) => {
    requested.push(page);
    const effective = page > lastPage && options.pastEnd === "lastPageAgain" ? lastPage : page;
    const from = (effective - 1) * options.pageSize + 1;
    const items = from > options.total ? [] : rows(from, Math.min(options.total, from + options.pageSize - 1));
    const totalCount = options.reportedTotal === undefined ? options.total : options.reportedTotal;
    return { items, invalid: [], totalCount };
  };
  return { source, requested };
}

async function collect<T>(pages: AsyncGenerator<PaginatedPage<T>>) {
  const out: PaginatedPage<T>[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

const idOf = (row: Row) => row.entity_id;

describe("paginate", () => {
  it("stops when currentPage * pageSize reaches total_count", async () => {
    const { source, requested } = fakeSource({ total: 20, pageSize: 10, pastEnd: "empty" });
    const pages = await collect(paginate(source, { pageSize: 10, idOf }));
    expect(pages.map((p) => p.page)).toEqual([1, 2]);
    expect(pages.flatMap((p) => p.records).length).toBe(20);
    expect(requested).toEqual([1, 2]);
    expect(pages[0]!.totalCount).toBe(20);
  });

  it("stops on a short page", async () => {
    const { source, requested } = fakeSource({ total: 25, pageSize: 10, pastEnd: "empty", reportedTotal: null });
    const pages = await collect(paginate(source, { pageSize: 10, idOf }));
    expect(pages.flatMap((p) => p.records).map(idOf)).toEqual(rows(1, 25).map(idOf));
    expect(requested).toEqual([1, 2, 3]);
  });

  it("stops on an empty page past the end when total_count lies upwards", async () => {
    const { source, requested } = fakeSource({ total: 20, pageSize: 10, pastEnd: "empty", reportedTotal: 1000 });
    const pages = await collect(paginate(source, { pageSize: 10, idOf }));
    expect(pages.map((p) => p.page)).toEqual([1, 2]);
    expect(requested).toEqual([1, 2, 3]);
  });

  it("stops without duplicates when Magento answers the last page again (old behaviour)", async () => {
    const { source, requested } = fakeSource({ total: 20, pageSize: 10, pastEnd: "lastPageAgain", reportedTotal: 1000 });
    const pages = await collect(paginate(source, { pageSize: 10, idOf }));
    const ids = pages.flatMap((p) => p.records).map(idOf);
    expect(ids).toEqual(rows(1, 20).map(idOf));
    expect(new Set(ids).size).toBe(ids.length);
    expect(requested).toEqual([1, 2, 3]);
  });

  it("stops at the count even if Magento would keep answering (total_count lies downwards)", async () => {
    const { source, requested } = fakeSource({ total: 50, pageSize: 10, pastEnd: "empty", reportedTotal: 15 });
    const pages = await collect(paginate(source, { pageSize: 10, idOf }));
    expect(requested).toEqual([1, 2]);
    expect(pages.flatMap((p) => p.records).length).toBe(20);
  });

  it("yields the first page even when it is empty (so the caller sees total_count 0)", async () => {
    const { source } = fakeSource({ total: 0, pageSize: 10, pastEnd: "empty" });
    const pages = await collect(paginate(source, { pageSize: 10, idOf }));
    expect(pages).toEqual([{ page: 1, records: [], invalid: [], totalCount: 0 }]);
  });

  it("drops only the repeated records of a page that overlaps an earlier one", async () => {
    const answers = [rows(1, 3), rows(3, 5), rows(5, 6)];
    const source: PageSource<Row> = async (page) => ({ items: answers[page - 1] ?? [], invalid: [], totalCount: null });
    const pages = await collect(paginate(source, { pageSize: 3, idOf }));
    expect(pages.map((p) => p.records.map(idOf))).toEqual([[1, 2, 3], [4, 5], [6]]);
  });

  it("counts invalid records for page length and repeats", async () => {
    const bad = (id: number): InvalidRecord => ({ index: 0, id, issues: [{ path: "items[0].x", message: "bad" }], raw: { entity_id: id } });
    const source: PageSource<Row> = async (page) =>
      page === 1 ? { items: rows(2, 3), invalid: [bad(1)], totalCount: null } : { items: rows(2, 3), invalid: [bad(1)], totalCount: null };
    const pages = await collect(paginate(source, { pageSize: 3, idOf }));
    expect(pages).toHaveLength(1);
    expect(pages[0]!.invalid.map((r) => r.id)).toEqual([1]);
  });

  it("throws when a hard page limit is reached", async () => {
    let next = 0;
    const endless: PageSource<Row> = async () => ({ items: rows(next + 1, (next += 2)), invalid: [], totalCount: null });
    await expect(collect(paginate(endless, { pageSize: 2, idOf, maxPages: 5 }))).rejects.toThrow(PaginationLimitError);
  });

  it("starts from a later page when asked", async () => {
    const { source, requested } = fakeSource({ total: 30, pageSize: 10, pastEnd: "empty" });
    const pages = await collect(paginate(source, { pageSize: 10, startPage: 2, idOf }));
    expect(requested).toEqual([2, 3]);
    expect(pages.map((p) => p.page)).toEqual([2, 3]);
  });
});
