import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateStore, startMagentoSimulator, type RunningSimulator } from "@/simulator";
import { tick } from "@/simulator/control";
import { Random } from "@/simulator/random";
import { CONDITION_TYPES, runSearch, type Filter, type SearchCriteria } from "@/simulator/search";
import { SearchIndex } from "@/simulator/search-index";
import type { MagentoStore } from "@/simulator/store";
import type { Cart, Creditmemo, Customer, Json, Order } from "@/simulator/types";

// The simulator's sorted search index (the fast path) must answer exactly what the brute-force
// evaluation (runSearch over every record) answers: same total_count, same records, same order.

const NOW = Date.UTC(2026, 0, 15) / 1000;

type Entity<T> = { name: string; records: () => Iterable<T>; columns: (r: T) => Json; idColumn: string; fields: string[] };

const erase = <T>(e: Entity<T>) => e as unknown as Entity<unknown>;

function entities(store: MagentoStore): Record<string, Entity<unknown>> {
  return {
    orders: erase<Order>({
      name: "orders",
      records: () => store.orders.values(),
      columns: (o) => store.orderColumns(o),
      idColumn: "entity_id",
      fields: ["updated_at", "created_at", "entity_id", "status", "customer_id", "grand_total", "increment_id", "customer_email"],
    }),
    carts: erase<Cart>({
      name: "carts",
      records: () => store.carts.values(),
      columns: (c) => store.cartColumns(c),
      idColumn: "entity_id",
      fields: ["updated_at", "created_at", "entity_id", "is_active", "customer_id", "store_id"],
    }),
    customers: erase<Customer>({
      name: "customers",
      records: () => store.customers.values(),
      columns: (c) => store.customerColumns(c),
      idColumn: "id",
      fields: ["updated_at", "created_at", "id", "email", "group_id", "dob", "gender"],
    }),
    memos: erase<Creditmemo>({
      name: "memos",
      records: () => store.memos.values(),
      columns: (m) => store.memoColumns(m),
      idColumn: "entity_id",
      fields: ["updated_at", "created_at", "entity_id", "order_id", "grand_total"],
    }),
  };
}

/** A filter value: mostly one taken from a record (ties, exact hits), sometimes shifted, date-only or odd. */
function valueFor(rng: Random, sample: Json[], field: string): string {
  const v = rng.pick(sample)[field];
  const roll = rng.int(0, 9);
  if (v === null || v === undefined || roll === 0)
    return rng.pick(["", "0", "1", "true", "abc", "2025-06-01", "2025-06-01 12:00:00", "9999", "-1", "%a%", "1,2,3"]);
  const s = String(v);
  if (roll === 1 && /^\d{4}-\d{2}-\d{2} /.test(s)) return s.slice(0, 10);
  if (roll === 2 && typeof v === "number") return String(v + rng.int(-3, 3));
  if (roll === 3) return s.toUpperCase();
  return s;
}

function randomCriteria(rng: Random, sample: Json[], entity: Entity<unknown>): SearchCriteria {
  const { fields, idColumn } = entity;
  const conds = [...CONDITION_TYPES];
  const shapes = ["keyset-from", "keyset-after", "keyset-tie", "ids-walk", "random"] as const;
  const shape = rng.pick([...shapes]);
  const at = () => valueFor(rng, sample, "updated_at");
  const window = () => (rng.chance(0.5) ? [[{ field: "updated_at", conditionType: rng.pick(["lt", "lteq", "to"]), value: at() }]] : []);
  let filterGroups: Filter[][] = [];
  let sortOrders: SearchCriteria["sortOrders"] = [
    { field: "updated_at", direction: "ASC" },
    { field: idColumn, direction: "ASC" },
  ];
  if (shape === "keyset-from")
    filterGroups = [[{ field: "updated_at", conditionType: rng.pick(["gteq", "moreq", "from"]), value: at() }], ...window()];
  else if (shape === "keyset-after") filterGroups = [[{ field: "updated_at", conditionType: "gt", value: at() }], ...window()];
  else if (shape === "keyset-tie") {
    filterGroups = [
      [{ field: "updated_at", conditionType: "eq", value: at() }],
      [{ field: idColumn, conditionType: "gt", value: valueFor(rng, sample, idColumn) }],
      ...window(),
    ];
    sortOrders = [{ field: idColumn, direction: "ASC" }];
  } else if (shape === "ids-walk") {
    filterGroups = [[{ field: idColumn, conditionType: "gt", value: valueFor(rng, sample, idColumn) }]];
    if (entity.name === "carts" && rng.chance(0.7))
      filterGroups.push([{ field: "is_active", conditionType: "eq", value: rng.pick(["1", "0", "true"]) }]);
    sortOrders = [{ field: idColumn, direction: "ASC" }];
  } else {
    const groups = rng.int(0, 3);
    for (let g = 0; g < groups; g++) {
      const n = rng.chance(0.7) ? 1 : rng.int(0, 3);
      const group: Filter[] = [];
      for (let i = 0; i < n; i++) {
        const field = rng.pick(fields);
        group.push({ field, conditionType: rng.pick(conds), value: valueFor(rng, sample, field) });
      }
      filterGroups.push(group);
    }
    sortOrders = [];
    const sorts = rng.int(0, 3);
    for (let i = 0; i < sorts; i++) sortOrders.push({ field: rng.pick(fields), direction: rng.chance(0.7) ? "ASC" : "DESC" });
  }
  const c: SearchCriteria = { filterGroups, sortOrders };
  const size = rng.pick([undefined, 0, 1, 7, 50, 300]);
  if (size !== undefined) c.pageSize = size;
  if (rng.chance(0.8)) c.currentPage = rng.pick([1, 1, 1, 2, 3, 1000, 0]);
  return c;
}

function compareAll(store: MagentoStore, indexes: Record<string, SearchIndex<unknown>>, rng: Random, rounds: number) {
  for (const entity of Object.values(entities(store))) {
    const all = [...entity.records()];
    const sample = all.map(entity.columns);
    const known = new Set(Object.keys(sample[0] ?? {}));
    const index = indexes[entity.name]!;
    for (let i = 0; i < rounds; i++) {
      const c = randomCriteria(rng, sample, entity);
      const replayLastPage = rng.chance(0.3);
      const options = { known, idColumn: entity.idColumn, replayLastPage };
      const expected = runSearch(entity.records(), c, { ...options, columns: entity.columns });
      const got = index.search(c, options);
      const ids = (r: { items: unknown[]; total: number }) => ({
        total: r.total,
        ids: r.items.map((x) => entity.columns(x)[entity.idColumn]),
      });
      expect(ids(got), `${entity.name} ${JSON.stringify(c)} replay=${replayLastPage}`).toEqual(ids(expected));
    }
  }
}

describe("search index (fast path) = brute force", () => {
  it("answers random criteria exactly like runSearch, before and after ticks", () => {
    const store = generateStore({ seed: 11, customers: 300, orders: 1500, now: NOW });
    const e = entities(store);
    const indexes: Record<string, SearchIndex<unknown>> = {};
    for (const [name, entity] of Object.entries(e)) {
      indexes[name] = new SearchIndex({
        records: entity.records,
        columns: entity.columns,
        idColumn: entity.idColumn,
        version: () => store.version,
      });
    }
    const rng = new Random("index-test");
    compareAll(store, indexes, rng, 150);
    for (let t = 1; t <= 4; t++) {
      tick(
        store,
        {
          newOrders: 15,
          newCarts: 10,
          abandonCarts: 5,
          editCustomers: 10,
          newCustomers: 5,
          progressOrders: 40,
          refundOrders: 8,
          cancelOrders: 5,
          deleteCustomers: 3,
          deleteCarts: 3,
          advanceSeconds: 60,
        },
        t,
      );
      store.changed();
      compareAll(store, indexes, rng, 80);
      // Changes made through store methods (as the REST routes and tests do) bump the version themselves.
      const cart = [...store.carts.values()].find((c) => c.isActive && c.items.length > 1);
      if (cart) store.deleteCartItem(cart.id, cart.items[0]!.itemId);
      compareAll(store, indexes, rng, 40);
    }
    // Most criteria (all the keyset shapes) took the index; the random ones mostly fell back.
    for (const index of Object.values(indexes)) {
      expect(index.stats.fast).toBeGreaterThan(200);
      expect(index.stats.slow).toBeGreaterThan(20);
    }
  });

  it("keeps the sync's keyset criteria on the index and tied timestamps in id order", () => {
    const store = generateStore({ seed: 3, customers: 100, orders: 600, now: NOW });
    const index = new SearchIndex({
      records: () => store.orders.values(),
      columns: (o) => store.orderColumns(o),
      idColumn: "entity_id",
      version: () => store.version,
    });
    // A bulk change: many orders share one updated_at (the "tie" case of the keyset walk).
    const at = store.tickTime(0);
    const touched = [...store.orders.values()].filter((o) => o.entityId % 7 === 0);
    for (const o of touched) store.touchOrder(o, at);
    const stamp = String(store.orderColumns(touched[0]!).updated_at);
    const known = new Set(Object.keys(store.orderColumns(touched[0]!)));
    const c: SearchCriteria = {
      filterGroups: [
        [{ field: "updated_at", conditionType: "eq", value: stamp }],
        [{ field: "entity_id", conditionType: "gt", value: String(touched[3]!.entityId) }],
      ],
      sortOrders: [{ field: "entity_id", direction: "ASC" }],
      pageSize: 5,
      currentPage: 1,
    };
    const got = index.search(c, { known, idColumn: "entity_id" });
    expect(got.total).toBe(touched.length - 4);
    expect(got.items.map((o) => o.entityId)).toEqual(touched.slice(4, 9).map((o) => o.entityId));
    const walk = index.search(
      {
        filterGroups: [[{ field: "updated_at", conditionType: "gteq", value: stamp }]],
        sortOrders: [
          { field: "updated_at", direction: "ASC" },
          { field: "entity_id", direction: "ASC" },
        ],
        pageSize: 300,
        currentPage: 1,
      },
      { known, idColumn: "entity_id" },
    );
    expect(walk.items.map((o) => o.entityId)).toEqual(touched.map((o) => o.entityId));
    expect(index.stats).toEqual({ fast: 2, slow: 0 });
  });
});

describe("search index over HTTP", () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startMagentoSimulator({ port: 0, seed: 5, customers: 200, orders: 800, now: NOW });
  });
  afterAll(async () => {
    await sim.close();
  });

  const page = async (path: string) => {
    const r = await fetch(`${sim.baseUrl}/rest/V1/${path}`, { headers: { Authorization: `Bearer ${sim.adminToken}` } });
    expect(r.status).toBe(200);
    return (await r.json()) as { items: Json[]; total_count: number };
  };
  const keyset = (from: string) =>
    `orders?searchCriteria[filter_groups][0][filters][0][field]=updated_at&searchCriteria[filter_groups][0][filters][0][condition_type]=gteq&searchCriteria[filter_groups][0][filters][0][value]=${encodeURIComponent(from)}` +
    "&searchCriteria[sortOrders][0][field]=updated_at&searchCriteria[sortOrders][0][direction]=ASC&searchCriteria[sortOrders][1][field]=entity_id&searchCriteria[sortOrders][1][direction]=ASC&searchCriteria[pageSize]=300&searchCriteria[currentPage]=1";

  it("sees ticks and REST writes on the next search", async () => {
    const before = await page(keyset("2000-01-01"));
    expect(before.total_count).toBe(800);
    const result = sim.control.tick({ newOrders: 3, progressOrders: 5, advanceSeconds: 3600 });
    const after = await page(keyset(result.at));
    const ids = after.items.map((o) => o.entity_id);
    expect(new Set(ids)).toEqual(new Set([...result.created.orders, ...result.changed.orders]));
    expect(after.total_count).toBe(new Set([...result.created.orders, ...result.changed.orders]).size);
    const all = await page(keyset("2000-01-01"));
    expect(all.total_count).toBe(803);

    const cart = [...sim.store.carts.values()].find((c) => c.isActive && c.customerId !== null && c.items.length > 0)!;
    const carts = (from: string) =>
      `carts/search?searchCriteria[filter_groups][0][filters][0][field]=updated_at&searchCriteria[filter_groups][0][filters][0][condition_type]=gt&searchCriteria[filter_groups][0][filters][0][value]=${encodeURIComponent(from)}` +
      "&searchCriteria[sortOrders][0][field]=updated_at&searchCriteria[sortOrders][0][direction]=ASC&searchCriteria[sortOrders][1][field]=entity_id&searchCriteria[sortOrders][1][direction]=ASC&searchCriteria[pageSize]=300";
    const latest = [...sim.store.carts.values()].reduce((m, c) => (c.updatedAt > m ? c.updatedAt : m), "");
    expect((await page(carts(latest))).total_count).toBe(0);
    const product = sim.store.products.find((p) => p.qty > 50)!;
    const r = await fetch(`${sim.baseUrl}/rest/V1/carts/${cart.id}/items`, {
      method: "POST",
      headers: { Authorization: `Bearer ${sim.adminToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ cartItem: { quote_id: cart.id, sku: product.sku, qty: 1 } }),
    });
    expect(r.status).toBe(200);
    const changed = await page(carts(latest.slice(0, 10)));
    expect(changed.items.some((c) => c.id === cart.id)).toBe(true);
  });
});
