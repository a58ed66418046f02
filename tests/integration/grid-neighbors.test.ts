import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { channels } from "@/db/schema";
import { ordersGrid } from "@/lib/orders/grid";
import { gridNeighbors } from "@/lib/grid/neighbors";
import { parseGridState, type SearchParams } from "@/lib/grid/params";
import { COUNT_CAP, gridOrderBy, gridWhere } from "@/lib/grid/sql";
import type { GridState } from "@/lib/grid/types";
import { queryRows } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// Prev / next (keyset, two LIMIT 1 walks around the record) against the full ordered list the grid
// itself gives (its WHERE and ORDER BY, no limit): for every row of a synthetic set full of NULL
// and tied sort values, in both directions, on plain, joined and computed columns, with filters.

let test: TestDatabase;
let db: Db;
let channelId: number;
let bigChannelId: number;

/** Every id of the view in the grid's order: the truth prev / next must agree with. */
async function orderedIds(state: GridState): Promise<string[]> {
  const rows = await queryRows<{ id: unknown }>(
    db,
    sql`
    SELECT ${sql.raw(ordersGrid.idSql)}::text AS id FROM ${sql.raw(ordersGrid.from)}
    WHERE ${gridWhere(ordersGrid, state, "UTC")} ORDER BY ${gridOrderBy(ordersGrid, state)}`,
  );
  return rows.map((r) => String(r.id));
}

const stateOf = (params: SearchParams) => parseGridState(ordersGrid, { channel: String(channelId), ...params }).state;

beforeAll(async () => {
  test = await createTestDatabase();
  db = test.db;
  const [channel, big] = await db
    .insert(channels)
    .values([
      { name: "Synthetic store", baseUrl: "https://shop.example.com" },
      { name: "Big store", baseUrl: "https://big.example.com" },
    ])
    .returning({ id: channels.id });
  channelId = channel!.id;
  bigChannelId = big!.id;
  await db.execute(sql`
    INSERT INTO magento_websites (channel_id, origin_id, code, name) VALUES (${channelId}, 1, 'base', 'Main Website')`);
  await db.execute(sql`
    INSERT INTO magento_stores (channel_id, origin_id, code, name, website_id)
    SELECT ${channelId}, n, 'store_' || n, CASE n WHEN 1 THEN 'Default' ELSE 'Outlet' END, (SELECT id FROM magento_websites LIMIT 1)
    FROM generate_series(1, 2) n`);
  // 260 orders: created_at NULL for every 4th, else one of 9 instants (with microseconds) → many
  // ties; grand_total one of 6 values; names NULL for every 3rd (customer falls back to email,
  // itself NULL for every 5th); no store for every 7th; coupon mostly NULL; every 13th removed.
  await db.execute(sql`
    INSERT INTO magento_orders (channel_id, origin_id, increment_id, state, status, is_guest, customer_email,
      customer_first_name, customer_last_name, store_id, grand_total, coupon_code, remote_created_at, remote_updated_at, removed_at)
    SELECT ${channelId}, n, lpad(n::text, 9, '0'),
      'new', (ARRAY['pending', 'processing', 'complete'])[1 + n % 3], n % 2 = 0,
      CASE WHEN n % 5 = 0 THEN NULL ELSE 'buyer' || (n % 11) || '@example.com' END,
      CASE WHEN n % 3 = 0 THEN NULL ELSE 'Ann' END, CASE WHEN n % 3 = 0 THEN NULL ELSE 'B' || (n % 4) END,
      CASE WHEN n % 7 = 0 THEN NULL ELSE (SELECT id FROM magento_stores WHERE origin_id = 1 + n % 2) END,
      ((n % 6) * 12.5)::numeric, CASE WHEN n % 10 = 0 THEN 'SAVE' || (n % 20) ELSE NULL END,
      CASE WHEN n % 4 = 0 THEN NULL ELSE timestamptz '2026-03-01 10:00:00.123456+00' + (n % 9) * interval '1 hour 0.000001 second' END,
      timestamptz '2026-03-02 00:00:00+00' + (n % 3) * interval '1 minute',
      CASE WHEN n % 13 = 0 THEN now() ELSE NULL END
    FROM generate_series(1, 260) n
    -- ids not in origin order, so id ties are not simply creation order
    ORDER BY (n * 37) % 260`);
  // Past the count cap: 10,050 orders in a second channel.
  await db.execute(sql`
    INSERT INTO magento_orders (channel_id, origin_id, increment_id, state, status, grand_total, remote_created_at)
    SELECT ${bigChannelId}, n, 'B' || n, 'new', 'pending', (n % 100)::numeric,
      CASE WHEN n % 50 = 0 THEN NULL ELSE timestamptz '2026-01-01' + (n % 500) * interval '1 minute' END
    FROM generate_series(1, ${COUNT_CAP + 50}) n`);
  await db.execute(sql`ANALYZE magento_orders`);
}, 120_000);

afterAll(async () => {
  await test?.drop();
});

const CASES: SearchParams[] = [
  {},
  { sort: "created_at" },
  { sort: "grand_total" },
  { sort: "-grand_total" },
  { sort: "customer" },
  { sort: "-customer" },
  { sort: "store" },
  { sort: "-store" },
  { sort: "-coupon_code" },
  { sort: "coupon_code", f_status: "complete" },
  { sort: "-created_at", f_is_guest: "no" },
  { sort: "created_at", q: "buyer1" },
  { sort: "-email", f_status: ["pending", "processing"] },
];

describe("gridNeighbors equals the full ordered list", () => {
  it.each(CASES.map((params) => [JSON.stringify(params), params] as const))(
    "%s: every row's previous / next / position",
    async (_label, params) => {
      const state = stateOf(params);
      const ids = await orderedIds(state);
      expect(ids.length).toBeGreaterThan(10);
      for (const [index, id] of ids.entries()) {
        const n = await gridNeighbors(db, ordersGrid, state, id);
        expect(n, `row ${id} at ${index}`).toEqual({
          previousId: ids[index - 1] ?? null,
          nextId: ids[index + 1] ?? null,
          position: index + 1,
          total: ids.length,
        });
      }
    },
    120_000,
  );

  it("has NULL and tied sort values in the set it walks", async () => {
    const [row] = await queryRows<{ null_created: unknown; distinct_created: unknown; null_customer: unknown; n: unknown }>(
      db,
      sql`
      SELECT count(*) FILTER (WHERE remote_created_at IS NULL) AS null_created, count(DISTINCT remote_created_at) AS distinct_created,
             count(*) FILTER (WHERE customer_email IS NULL AND customer_first_name IS NULL) AS null_customer, count(*) AS n
      FROM magento_orders WHERE channel_id = ${channelId} AND removed_at IS NULL`,
    );
    expect(Number(row!.null_created)).toBeGreaterThan(40);
    expect(Number(row!.distinct_created)).toBe(9);
    expect(Number(row!.null_customer)).toBeGreaterThan(5);
  });

  it("follows the grid's fallback when the sort column cannot be sorted by", async () => {
    const state: GridState = { ...stateOf({}), sort: { column: "cart", direction: "asc" } };
    const ids = await orderedIds(state);
    for (const index of [0, 1, 57, ids.length - 1]) {
      const n = await gridNeighbors(db, ordersGrid, state, ids[index]!);
      expect([n.previousId, n.nextId, n.position]).toEqual([ids[index - 1] ?? null, ids[index + 1] ?? null, index + 1]);
    }
  });
});

describe("gridNeighbors outside the view", () => {
  it("gives no neighbours for a removed, filtered-out or unknown row", async () => {
    const state = stateOf({ f_status: "complete" });
    const total = (await orderedIds(state)).length;
    const [removed] = await queryRows<{ id: unknown }>(
      db,
      sql`SELECT id::text AS id FROM magento_orders WHERE removed_at IS NOT NULL LIMIT 1`,
    );
    const [pending] = await queryRows<{ id: unknown }>(
      db,
      sql`SELECT id::text AS id FROM magento_orders WHERE status = 'pending' AND channel_id = ${channelId} LIMIT 1`,
    );
    for (const id of [String(removed!.id), String(pending!.id), "999999999"]) {
      expect(await gridNeighbors(db, ordersGrid, state, id)).toEqual({ previousId: null, nextId: null, position: null, total });
    }
    expect(await gridNeighbors(db, ordersGrid, state, "1; DROP TABLE users")).toEqual({
      previousId: null,
      nextId: null,
      position: null,
      total: 0,
    });
  });
});

describe("gridNeighbors past the count cap", () => {
  const bigState = (params: SearchParams) => parseGridState(ordersGrid, { channel: String(bigChannelId), ...params }).state;

  it.each([["-created_at"], ["created_at"], ["-grand_total"]])(
    "sort %s: exact near the top, capped deep down, neighbours always right",
    async (sort) => {
      const state = bigState({ sort });
      const ids = await orderedIds(state);
      expect(ids.length).toBe(COUNT_CAP + 50);
      for (const index of [0, 1, 9_998, 9_999, 10_000, 10_001, ids.length - 60, ids.length - 2, ids.length - 1]) {
        const n = await gridNeighbors(db, ordersGrid, state, ids[index]!);
        expect([n.previousId, n.nextId], `index ${index}`).toEqual([ids[index - 1] ?? null, ids[index + 1] ?? null]);
        expect(n.total).toBe(COUNT_CAP);
        expect(n.totalCapped).toBe(true);
        if (index < COUNT_CAP) {
          expect(n.position).toBe(index + 1);
          expect(n.positionCapped).toBeUndefined();
        } else {
          expect(n.position).toBe(COUNT_CAP);
          expect(n.positionCapped).toBe(true);
        }
      }
    },
    60_000,
  );
});
