import { describe, expect, it } from "vitest";
import { countOf, formatCount, pluralOf, singularOf } from "@/lib/format/count";

// The one helper for counted nouns ("1 order", "2 orders", "1,234 entries"): every message that
// shows a number of things goes through it, so "1 orders match" cannot come back.

describe("countOf", () => {
  it("uses the singular for exactly one and the plural otherwise, zero included", () => {
    expect(countOf(1, "order")).toBe("1 order");
    expect(countOf(2, "order")).toBe("2 orders");
    expect(countOf(0, "order")).toBe("0 orders");
  });

  it("formats the number with thousands separators, as the rest of the portal does", () => {
    expect(countOf(1234, "order")).toBe("1,234 orders");
    expect(countOf(1_000_000, "credit memo")).toBe("1,000,000 credit memos");
  });

  it("knows the English endings: entry/entries, status/statuses, box/boxes, day/days", () => {
    expect(countOf(1, "entry")).toBe("1 entry");
    expect(countOf(3, "entry")).toBe("3 entries");
    expect(countOf(2, "status")).toBe("2 statuses");
    expect(countOf(2, "box")).toBe("2 boxes");
    expect(countOf(2, "match")).toBe("2 matches");
    expect(countOf(2, "day")).toBe("2 days");
    expect(countOf(2, "abandoned cart")).toBe("2 abandoned carts");
    expect(countOf(2, "person")).toBe("2 people");
  });

  it("takes an explicit plural for anything else", () => {
    expect(countOf(2, "criterion", { plural: "criteria" })).toBe("2 criteria");
    expect(countOf(1, "criterion", { plural: "criteria" })).toBe("1 criterion");
  });

  it("a capped count is 'at least', so always plural", () => {
    expect(countOf(10_000, "order", { capped: true })).toBe("10,000+ orders");
    expect(countOf(1, "order", { capped: true })).toBe("1+ orders");
  });
});

describe("pluralOf / singularOf", () => {
  it("turn the grids' plural nouns back into singulars and forth", () => {
    for (const [one, many] of [
      ["order", "orders"],
      ["entry", "entries"],
      ["credit memo", "credit memos"],
      ["abandoned cart", "abandoned carts"],
      ["status", "statuses"],
      ["row", "rows"],
      ["person", "people"],
    ]) {
      expect(pluralOf(one!)).toBe(many);
      expect(singularOf(many!)).toBe(one);
    }
  });
});

describe("formatCount", () => {
  it("groups thousands with commas and keeps small numbers as they are", () => {
    expect(formatCount(7)).toBe("7");
    expect(formatCount(12345)).toBe("12,345");
  });
});
