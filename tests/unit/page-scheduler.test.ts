import { describe, expect, it } from "vitest";
import type { Pass } from "@/lib/sync/checkpoints";
import { advanceCursor, alreadySeen, magentoTime, type KeysetCursor } from "@/lib/sync/keyset";
import { cutRange, readStoredLanes, storeLanes, type StoredLane } from "@/lib/sync/lanes";
import { schedulePages, type FetchOutcome } from "@/lib/sync/page-scheduler";
import type { PageRequest } from "@/lib/sync/types";

// The scheduler against a keyset "Magento" in memory: lanes split as pages arrive, pages are
// written one at a time in arrival order, and a crash at any write resumes from the lanes the last
// committed page stored. Every record must be written exactly once, whatever the order.

type Rec = { id: number; at: string };

function store(count: number, seed: number): Rec[] {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const base = Date.UTC(2024, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    // Clustered history: most records in a few busy days, some seconds shared by many records.
    const busy = random() < 0.7;
    const offset = busy
      ? Math.floor(random() * 3) * 86_400_000 + Math.floor(random() * 40) * 1000
      : Math.floor(random() * 400) * 86_400_000;
    return { id: i + 1, at: magentoTime(new Date(base + offset)) };
  });
}

type Page = FetchOutcome & { records: Rec[] };

function fetcher(records: Rec[], pageSize: number, latency: () => number) {
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch = async (request: PageRequest): Promise<Page> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, latency()));
    inFlight--;
    const { window, cursor } = request;
    const inWindow = records.filter(
      (r) => (!window.from || r.at >= magentoTime(window.from)) && (!window.to || r.at < magentoTime(window.to)),
    );
    const matching = inWindow
      .filter((r) => {
        if (!cursor) return true;
        if (cursor.kind === "from") return r.at >= cursor.at;
        if (cursor.kind === "after") return r.at > cursor.at;
        return r.at === cursor.at && r.id > Number(cursor.afterId);
      })
      .sort((a, b) => (cursor?.kind === "tie" ? a.id - b.id : a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id));
    const page = matching.slice(0, pageSize);
    const keys = page.map((r) => ({ at: r.at, id: String(r.id) }));
    const advanced = advanceCursor(cursor as KeysetCursor | null, keys, pageSize, matching.length);
    return {
      records: page.filter((r) => !alreadySeen(cursor, { at: r.at, id: String(r.id) })),
      totalCount: matching.length,
      received: page.length,
      done: advanced.done,
      cursor: advanced.cursor,
    };
  };
  return { fetch, maxInFlight: () => maxInFlight };
}

function freshPass(records: Rec[], lanes: number): Pass {
  const times = records.map((r) => new Date(`${r.at.replace(" ", "T")}Z`).getTime());
  const lower = new Date(Math.min(...times));
  const upper = new Date(Math.max(...times) + 1000);
  return { mode: "initial", lanes: cutRange(lower, upper, lanes), upperBound: upper, lower, pagesBefore: 0 };
}

describe("schedulePages", () => {
  it("writes every record exactly once through splits and crashes at random writes, never above its requests in flight", async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const records = store(1500, seed);
      const { fetch, maxInFlight } = fetcher(records, 25, () => Math.random() * 3);
      const committed = new Map<number, number>();
      let stored: StoredLane[] | null = null;
      let pages = 0;
      let crashes = 0;
      for (let attempt = 0; attempt < 50; attempt++) {
        const pass: Pass = stored
          ? { mode: "initial", lanes: readStoredLanes(stored)!, upperBound: null, lower: null, pagesBefore: pages }
          : freshPass(records, 2);
        if (stored && pass.lanes.length === 0) break;
        const crashAt = crashes < 5 ? 1 + Math.floor(Math.random() * 30) : Infinity;
        let writes = 0;
        try {
          const result = await schedulePages([{ connector: "orders", pass, splittable: true, lanesWanted: 6, fetch }], {
            inFlight: 6,
            pageAllowance: Infinity,
            openEnd: new Date(),
            write: async (arrived) => {
              await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
              const state = arrived.commit();
              const snapshot = storeLanes(arrived.pass.lanes);
              if (++writes === crashAt) throw new Error("kill -9");
              // The page and its checkpoint commit together.
              for (const r of arrived.fetched.records) committed.set(r.id, (committed.get(r.id) ?? 0) + 1);
              stored = state.finished ? [] : snapshot;
              pages = state.pages;
            },
          });
          expect(result.finished).toEqual(["orders"]);
          break;
        } catch (error) {
          expect((error as Error).message).toBe("kill -9");
          crashes++;
        }
      }
      expect(crashes).toBe(5);
      expect(stored).toEqual([]);
      expect([...committed.values()].every((n) => n === 1)).toBe(true);
      expect(committed.size).toBe(records.length);
      expect(maxInFlight()).toBeLessThanOrEqual(6);
      expect(maxInFlight()).toBeGreaterThanOrEqual(3);
    }
  });

  it("asks for no more pages than its allowance and says what is left", async () => {
    const records = store(400, 9);
    const { fetch } = fetcher(records, 20, () => 1);
    const pass = freshPass(records, 4);
    let written = 0;
    const result = await schedulePages([{ connector: "carts", pass, splittable: true, lanesWanted: 4, fetch }], {
      inFlight: 4,
      pageAllowance: 5,
      openEnd: new Date(),
      write: async (arrived) => {
        arrived.commit();
        written++;
      },
    });
    expect(result).toMatchObject({ finished: [], stopped: false, pages: 5 });
    expect(written).toBe(5);
    expect(storeLanes(pass.lanes).length).toBeGreaterThan(0);
  });

  it("stops before the next write when told to (cancel), with nothing half-written", async () => {
    const records = store(300, 11);
    const { fetch } = fetcher(records, 10, () => 1);
    let written = 0;
    const result = await schedulePages([{ connector: "customers", pass: freshPass(records, 3), splittable: true, lanesWanted: 3, fetch }], {
      inFlight: 3,
      pageAllowance: Infinity,
      openEnd: new Date(),
      shouldStop: () => written >= 2,
      write: async (arrived) => {
        arrived.commit();
        written++;
      },
    });
    expect(result.stopped).toBe(true);
    expect(written).toBe(2);
  });
});
