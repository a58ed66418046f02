import { describe, expect, it } from "vitest";
import { cutRange, splitLane, type Lane } from "@/lib/sync/lanes";
import { divideShares, inTerritory, MAX_SHARES, mergeLanes, shareCount } from "@/lib/sync/shares";

// The division of a run's lanes and budget among workers, and the checkpoint merge each share's
// pages rely on (lib/sync/shares.ts).

const day = (d: number) => new Date(Date.UTC(2026, 0, 1 + d));

describe("divideShares", () => {
  it("gives each share its part of the budget and rate, all of them together exactly the channel's", () => {
    const lanes = cutRange(day(0), day(30), 12);
    const shares = divideShares([{ connector: "orders", lanes }], 10, 16);
    expect(shares.map((s) => s.inFlight)).toEqual([4, 3, 3]);
    expect(shares.reduce((sum, s) => sum + s.inFlight, 0)).toBe(10);
    expect(shares.reduce((sum, s) => sum + s.requestsPerSecond, 0)).toBeCloseTo(16);
    // Every lane goes to exactly one share.
    for (const lane of lanes) {
      expect(shares.filter((s) => inTerritory(lane, s.territory.orders ?? []))).toHaveLength(1);
    }
  });

  it("does not fan out a small budget, a low rate or a single lane", () => {
    const lanes = cutRange(day(0), day(30), 8);
    expect(divideShares([{ connector: "orders", lanes }], 4, 16)).toEqual([]);
    expect(divideShares([{ connector: "orders", lanes }], 8, 1)).toEqual([]);
    expect(divideShares([{ connector: "orders", lanes: lanes.slice(0, 1) }], 8, 16)).toEqual([]);
    expect(shareCount(32, 100, 100)).toBe(MAX_SHARES);
  });

  it("spreads every connector's lanes over the shares", () => {
    const shares = divideShares(
      [
        { connector: "customers", lanes: cutRange(day(0), day(10), 2) },
        { connector: "orders", lanes: cutRange(day(0), day(10), 2) },
      ],
      8,
      16,
    );
    expect(shares).toHaveLength(2);
    expect(shares.every((s) => s.territory.customers?.length === 1 && s.territory.orders?.length === 1)).toBe(true);
  });
});

describe("mergeLanes", () => {
  it("keeps the other shares' lanes as stored and this share's where they stand, splits included", () => {
    const stored = cutRange(day(0), day(40), 4);
    const shares = divideShares([{ connector: "orders", lanes: stored }], 8, 16);
    const mine = shares[0]!.territory.orders!;
    // This share's lanes moved on: one is done, the other split in two.
    const own: Lane[] = stored.filter((lane) => inTerritory(lane, mine)).map((lane) => ({ ...lane }));
    own[0]!.done = true;
    let next = 10;
    const created = splitLane(own[1]!, 2, day(40), () => next++);
    expect(created).toHaveLength(1);
    const merged = mergeLanes(stored, [...own, ...created], mine);
    const others = stored.filter((lane) => !inTerritory(lane, mine));
    expect(merged).toHaveLength(others.length + 2);
    for (const lane of others) expect(merged).toContainEqual(lane);
    expect(merged).toContainEqual(own[1]);
    expect(merged).toContainEqual(created[0]);
    // The split halves still lie in this share's territory: the next merge replaces them again.
    expect(created.every((lane) => inTerritory(lane, mine))).toBe(true);
    expect(merged.filter((lane) => lane.done)).toEqual([]);
  });

  it("a pass with open ends (no sync start date) still divides and merges", () => {
    const lanes: Lane[] = [
      { id: 0, from: null, to: day(5), page: 0, cursor: null, done: false },
      { id: 1, from: day(5), to: day(10), page: 0, cursor: null, done: false },
    ];
    const [a, b] = divideShares([{ connector: "carts", lanes }], 8, 16);
    expect(inTerritory(lanes[0]!, a!.territory.carts!)).toBe(true);
    expect(inTerritory(lanes[1]!, a!.territory.carts!)).toBe(false);
    expect(inTerritory(lanes[1]!, b!.territory.carts!)).toBe(true);
    expect(mergeLanes(lanes, [], a!.territory.carts!)).toEqual([lanes[1]]);
  });
});
