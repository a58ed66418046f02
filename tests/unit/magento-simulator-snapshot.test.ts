import { describe, expect, it } from "vitest";
import { generateStore } from "@/simulator/generate";
import { restoreStore, snapshotStore, SnapshotError } from "@/simulator/snapshot";

// The state file's snapshot knows no record type: whatever the store and its records hold comes
// back (Maps, Sets, Dates, shared objects, "$" keys), render caches stay out.

const small = () => generateStore({ seed: 3, customers: 15, orders: 40, now: 1_740_787_200 });

describe("snapshotStore / restoreStore", () => {
  it("restores every field of the store and of its records, including ones it has never heard of", () => {
    const store = small();
    const [first, second] = [...store.orders.values()];
    const shared = { note: "one object, two orders" };
    Object.assign(first!, {
      extra: {
        at: new Date("2025-01-02T03:04:05Z"),
        tags: new Set(["a", "b"]),
        byId: new Map([[7, { x: 1 }]]),
        $sign: "dollar",
        gone: undefined,
        ratio: Number.NaN,
      },
      shared,
    });
    Object.assign(second!, { shared });
    store.seq.order += 5;
    store.clockOffset = 42;

    const back = restoreStore(JSON.parse(snapshotStore(store)));
    const restored = back.orders.get(first!.entityId)! as unknown as Record<string, unknown>;
    const extra = restored.extra as Record<string, unknown>;
    expect(extra.at).toEqual(new Date("2025-01-02T03:04:05Z"));
    expect(extra.tags).toEqual(new Set(["a", "b"]));
    expect(extra.byId).toEqual(new Map([[7, { x: 1 }]]));
    expect(extra.$sign).toBe("dollar");
    expect("gone" in extra).toBe(false);
    expect(extra.ratio).toBeNaN();
    expect(restored.shared).toBe((back.orders.get(second!.entityId) as unknown as Record<string, unknown>).shared);
    expect(back.seq).toEqual(store.seq);
    expect(back.clockOffset).toBe(42);
    expect(back.anchor).toBe(store.anchor);
    // Objects two collections hold stay one object (a product sold lowers the stock both see).
    expect(back.productsBySku.get(back.products[0]!.sku.toLowerCase())).toBe(back.products[0]);
    const customer = [...back.customers.values()].find((c) => c.addresses.length > 0)!;
    expect(back.addresses.get(customer.addresses[0]!.id)).toBe(customer.addresses[0]);
    // The live PRNG goes on where it was.
    expect(back.rng.next()).toBe(store.rng.next());
    // Same state, same text.
    expect(snapshotStore(back)).toBe(snapshotStore(store));
  });

  it("leaves render caches out and survives a cycle", () => {
    const store = small();
    for (const order of store.orders.values()) store.orderColumns(order);
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    Object.assign(store.customers.get(1)!, { loop });
    const text = snapshotStore(store);
    expect(text).not.toContain('"header"');
    const back = restoreStore(JSON.parse(text));
    const restored = back.customers.get(1)!.loop as Record<string, unknown>;
    expect(restored.self).toBe(restored);
    expect(back.orders.get(1)!.header).toBeUndefined();
  });

  it("names the field a state file cannot carry", () => {
    const store = small();
    Object.assign(store.carts.get(2)!, { helper: new (class Helper {})() });
    expect(() => snapshotStore(store)).toThrow(SnapshotError);
    expect(() => snapshotStore(store)).toThrow("store.carts.get(2).helper is an instance of Helper");
  });
});
