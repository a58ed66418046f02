import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { channels } from "@/db/schema";
import { recomputeRfm } from "@/lib/sync/rules/rfm";
import { queryRows } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// RFM on a handmade store whose every score was worked out by hand (docs/reports.md has the rules):
// score = 1 + floor(5 × customers strictly worse / customers), segments by the first matching rule.

let database: TestDatabase;
let db: Db;
let channelId: number;
const ids: Record<string, number> = {};
let origin = 1;
const AS_OF = new Date("2026-06-30T12:00:00Z");

async function customer(key: string): Promise<void> {
  const [row] = await queryRows<{ id: unknown }>(
    db,
    sql`
    INSERT INTO magento_customers (channel_id, origin_id, email, first_name) VALUES (${channelId}, ${origin++}, ${`${key}@example.test`}, ${key})
    RETURNING id`,
  );
  ids[key] = Number(row!.id);
}

async function order(key: string, day: string, subtotal: string, discount = "0", state = "complete"): Promise<number> {
  const n = origin++;
  const [row] = await queryRows<{ id: unknown }>(
    db,
    sql`
    INSERT INTO magento_orders (channel_id, origin_id, increment_id, state, status, customer_id, grand_total, subtotal, discount_amount,
      base_grand_total, base_subtotal, base_discount_amount, base_to_global_rate, remote_created_at)
    VALUES (${channelId}, ${n}, ${`1000${n}`}, ${state}, ${state}, ${ids[key]!}, ${subtotal}, ${subtotal}, ${discount},
      ${subtotal}, ${subtotal}, ${discount}, 1, ${`${day}T09:30:00Z`}::timestamptz)
    RETURNING id`,
  );
  return Number(row!.id);
}

type Scored = { key: string; recency_days: number; frequency: number; monetary: string; rfm: string; segment: string };

async function scores(): Promise<Scored[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
    SELECT c.first_name AS key, r.recency_days, r.frequency, r.monetary::text AS monetary, concat(r.r, r.f, r.m) AS rfm, r.segment
    FROM customer_rfm r JOIN magento_customers c ON c.id = r.customer_id WHERE r.channel_id = ${channelId} ORDER BY c.first_name`,
  );
  return rows.map((r) => ({
    key: String(r.key),
    recency_days: Number(r.recency_days),
    frequency: Number(r.frequency),
    monetary: String(r.monetary),
    rfm: String(r.rfm),
    segment: String(r.segment),
  }));
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  const [channel] = await db.insert(channels).values({ name: "Handmade", baseUrl: "http://handmade.test" }).returning();
  channelId = channel!.id;
  for (const key of ["A", "B", "C", "D", "E", "F", "G", "H", "I"]) await customer(key);
  // A: three orders, the last yesterday; 90 + 200 + 50 = 340.
  await order("A", "2026-06-29", "100", "-10");
  await order("A", "2026-06-01", "200");
  await order("A", "2026-05-01", "50");
  // B: one order today, and a canceled 1000 the same day that must not count anywhere.
  await order("B", "2026-06-30", "80");
  await order("B", "2026-06-30", "1000", "0", "canceled");
  // C: two big orders in February/March (121 days ago): 500 + 450.
  await order("C", "2026-03-01", "500");
  await order("C", "2026-02-01", "500", "-50");
  // D: one small order on New Year's day (180 days ago).
  await order("D", "2026-01-01", "30");
  // E: five orders, the last ten days ago: 500.
  for (const day of ["2026-06-20", "2026-06-10", "2026-05-20", "2026-04-10", "2026-03-10"]) await order("E", day, "100");
  // F: two orders, the last five days ago: 100. I ties F's recency with one order of 20.
  await order("F", "2026-06-25", "60");
  await order("F", "2026-01-15", "40");
  await order("I", "2026-06-25", "20");
  // G: only a canceled order; H: none. Neither is scored.
  await order("G", "2026-06-28", "999", "0", "canceled");
}, 60_000);

afterAll(async () => {
  await database?.drop();
});

describe("recomputeRfm on a handmade store (real Postgres)", () => {
  it("scores a whole channel as worked out by hand, ties together, canceled orders excluded", async () => {
    const result = await recomputeRfm(db, channelId, undefined, { asOf: AS_OF });
    expect(result.scored).toBe(7);
    // n = 7: worse 0,1 → 1; 2 → 2; 3,4 → 3; 5 → 4; 6 → 5.
    // R by days (B0 A1 F5 I5 E10 C121 D180); F by orders (B,D,I 1; C,F 2; A 3; E 5); M (I20 D30 B80 F100 A340 E500 C950).
    expect(await scores()).toEqual([
      { key: "A", recency_days: 1, frequency: 3, monetary: "340.0000", rfm: "443", segment: "loyal" },
      { key: "B", recency_days: 0, frequency: 1, monetary: "80.0000", rfm: "512", segment: "new" },
      { key: "C", recency_days: 121, frequency: 2, monetary: "950.0000", rfm: "135", segment: "at_risk" },
      { key: "D", recency_days: 180, frequency: 1, monetary: "30.0000", rfm: "111", segment: "hibernating" },
      { key: "E", recency_days: 10, frequency: 5, monetary: "500.0000", rfm: "254", segment: "cant_lose" },
      { key: "F", recency_days: 5, frequency: 2, monetary: "100.0000", rfm: "333", segment: "need_attention" },
      { key: "I", recency_days: 5, frequency: 1, monetary: "20.0000", rfm: "311", segment: "need_attention" },
    ]);
    const [asOf] = await queryRows<{ at: Date | string }>(
      db,
      sql`SELECT refreshed_at AS at FROM report_refresh WHERE channel_id = ${channelId} AND kind = 'rfm'`,
    );
    expect(new Date(asOf!.at).toISOString()).toBe(AS_OF.toISOString());
  });

  it("recomputes one customer's metrics and re-scores everyone around them", async () => {
    // D orders 70 today: R0 F2 M100, and the quintiles of the others move with it.
    const newOrder = await order("D", "2026-06-30", "70");
    await recomputeRfm(db, channelId, [ids.D!], { asOf: AS_OF });
    // R (B0 D0 A1 F5 I5 E10 C121); F (B,I 1; C,D,F 2; A 3; E 5); M (I20 B80 D100 F100 A340 E500 C950).
    expect((await scores()).map((s) => `${s.key} ${s.rfm} ${s.segment}`)).toEqual([
      "A 343 loyal",
      "B 411 promising",
      "C 125 at_risk",
      "D 422 potential_loyalist",
      "E 154 cant_lose",
      "F 222 at_risk",
      "I 211 hibernating",
    ]);
    // Canceling that order again takes D back to where it was.
    await db.execute(sql`UPDATE magento_orders SET state = 'canceled' WHERE id = ${newOrder}`);
    await recomputeRfm(db, channelId, [ids.D!], { asOf: AS_OF });
    expect((await scores()).find((s) => s.key === "D")).toMatchObject({
      recency_days: 180,
      frequency: 1,
      rfm: "111",
      segment: "hibernating",
    });
  });

  it("moves everyone's recency on by the days passed, recomputing only the customers asked for", async () => {
    const later = new Date("2026-07-03T08:00:00Z"); // three UTC days later
    await recomputeRfm(db, channelId, [ids.C!], { asOf: later });
    expect(Object.fromEntries((await scores()).map((s) => [s.key, s.recency_days]))).toEqual({
      A: 4,
      B: 3,
      C: 124,
      D: 183,
      E: 13,
      F: 8,
      I: 8,
    });
  });

  it("drops a customer whose last non-canceled order is canceled, and does nothing for an empty list", async () => {
    await db.execute(sql`UPDATE magento_orders SET state = 'canceled' WHERE customer_id = ${ids.I!}`);
    const result = await recomputeRfm(db, channelId, [ids.I!, ids.H!], { asOf: AS_OF });
    expect(result.removed).toBe(1);
    expect((await scores()).map((s) => s.key)).toEqual(["A", "B", "C", "D", "E", "F"]);
    expect((await recomputeRfm(db, channelId, [], { asOf: AS_OF })).scored).toBe(0);
  });
});
