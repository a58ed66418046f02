import { describe, expect, it } from "vitest";
import { quintileScore, RFM_SEGMENTS, rfmSegment } from "@/lib/sync/rules/rfm";

// The RFM score and segment rules (lib/sync/rules/rfm.ts), on values worked out by hand. The SQL that
// scores whole channels is checked on a handmade store in tests/integration/reports-rfm.test.ts.

describe("quintile score: 1 + floor(5 × customers strictly worse / customers)", () => {
  it("spreads ten distinct values two per score", () => {
    // worse = 0..9 of n = 10 → 1,1,2,2,3,3,4,4,5,5
    expect(Array.from({ length: 10 }, (_, worse) => quintileScore(worse, 10))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it("gives a small channel's best customer less than 5", () => {
    expect(quintileScore(0, 1)).toBe(1); // alone: nobody is worse
    expect([0, 1, 2].map((w) => quintileScore(w, 3))).toEqual([1, 2, 4]); // 5·1/3 = 1.67 → 2; 5·2/3 = 3.33 → 4
    expect([0, 1, 2, 3, 4].map((w) => quintileScore(w, 5))).toEqual([1, 2, 3, 4, 5]);
  });

  it("keeps ties together at the lower score", () => {
    // Seven customers bought once, three bought twice: the once-buyers have nobody worse (F 1), the
    // twice-buyers have seven worse: 1 + floor(35 / 10) = 4.
    expect(quintileScore(0, 10)).toBe(1);
    expect(quintileScore(7, 10)).toBe(4);
  });

  it("refuses impossible positions", () => {
    expect(() => quintileScore(3, 3)).toThrow(RangeError);
    expect(() => quintileScore(0, 0)).toThrow(RangeError);
  });
});

describe("segments (first matching rule)", () => {
  it("names the corners and edges as the table in docs/reports.md says", () => {
    const cases: [number, number, number, string][] = [
      [5, 5, 5, "champions"],
      [4, 4, 4, "champions"],
      [5, 5, 3, "loyal"], // frequent and recent but not a top spender
      [3, 5, 5, "loyal"],
      [2, 5, 5, "cant_lose"],
      [1, 4, 1, "cant_lose"],
      [5, 1, 5, "new"],
      [4, 1, 2, "promising"],
      [5, 3, 1, "potential_loyalist"],
      [4, 2, 5, "potential_loyalist"],
      [3, 1, 1, "need_attention"],
      [3, 3, 5, "need_attention"],
      [2, 2, 4, "at_risk"],
      [1, 3, 1, "at_risk"],
      [2, 1, 5, "hibernating"],
      [1, 1, 1, "hibernating"],
    ];
    for (const [r, f, m, id] of cases) expect(`${r}${f}${m} ${rfmSegment(r, f, m).id}`).toBe(`${r}${f}${m} ${id}`);
  });

  it("covers every one of the 125 score combinations", () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) seen.add(rfmSegment(r, f, m).id);
    expect([...seen].sort()).toEqual(RFM_SEGMENTS.map((s) => s.id).sort());
  });
});
