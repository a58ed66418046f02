import { sql, type SQL } from "drizzle-orm";
import type { Db, DbTx } from "@/db/client";
import { queryRows } from "@/db/rows";
import { idArray } from "@/lib/sync/write/upsert";

// RFM (recency, frequency, monetary) per customer, scored 1–5 within each channel, stored in
// customer_rfm. The definitions (docs/reports.md repeats them for the people who read the report):
//
//   recency_days  whole UTC days from the customer's last non-canceled order to "as of"
//                 (as-of day − order day, so an order placed today is 0)
//   frequency     number of non-canceled orders
//   monetary      Σ (base_subtotal + base_discount_amount) × base_to_global_rate of those orders, in the
//                 global currency: the lifetime value's own definition (orders not converted yet left out)
//                 (lib/sync/rules/ltv.ts; Magento's discount is negative), exact numeric
//
// "Non-canceled" is state <> 'canceled' and not removed in Magento. Only customers with at least one
// such order have a row (the others have nothing to score); guests merged into a registered customer
// are that customer (their orders moved with them), so they never have a row of their own.
//
// Scores are quintiles of the channel's scored customers, with ties kept together:
//
//   score = 1 + floor(5 × (customers strictly worse) / (customers in the channel))
//
// "Worse" is older last order for R, fewer orders for F, less money for M. Customers with equal
// values always get the same score: the lower one of the fifths their group spans (so when most
// customers bought once, all of them get F = 1 rather than some random F = 1 and others F = 3).
// The best customer of a channel of n gets 1 + floor(5(n−1)/n): 5 from n = 5 up, less below.

/** A segment: the first rule (in this order) whose ranges hold the customer's scores names it. */
export type RfmSegmentRule = {
  id: string;
  label: string;
  description: string;
  r: readonly [number, number];
  f: readonly [number, number];
  m: readonly [number, number];
};

const ANY = [1, 5] as const;

/**
 * The segment map, first match wins. Every (R, F) pair is covered by one of the R/F-only rules after
 * "Champions", so every customer gets a segment.
 */
export const RFM_SEGMENTS: readonly RfmSegmentRule[] = [
  { id: "champions", label: "Champions", description: "Bought recently, often, and spend the most.", r: [4, 5], f: [4, 5], m: [4, 5] },
  { id: "loyal", label: "Loyal", description: "Buy often and are still around.", r: [3, 5], f: [4, 5], m: ANY },
  { id: "cant_lose", label: "Can't lose them", description: "Used to buy often, but not for a long time.", r: [1, 2], f: [4, 5], m: ANY },
  { id: "new", label: "New", description: "First order, very recently.", r: [5, 5], f: [1, 1], m: ANY },
  { id: "promising", label: "Promising", description: "One order, fairly recently.", r: [4, 4], f: [1, 1], m: ANY },
  { id: "potential_loyalist", label: "Potential loyalists", description: "Recent, with a few orders.", r: [4, 5], f: [2, 3], m: ANY },
  {
    id: "need_attention",
    label: "Need attention",
    description: "Neither recent nor lapsed, a few orders at most.",
    r: [3, 3],
    f: [1, 3],
    m: ANY,
  },
  { id: "at_risk", label: "At risk", description: "A few orders, but none for a long time.", r: [1, 2], f: [2, 3], m: ANY },
  { id: "hibernating", label: "Hibernating", description: "One order, long ago.", r: [1, 2], f: [1, 1], m: ANY },
];

export type RfmSegmentId = (typeof RFM_SEGMENTS)[number]["id"];

const inRange = (value: number, [min, max]: readonly [number, number]) => value >= min && value <= max;

/** The segment of a customer's scores (TypeScript twin of the SQL below; both read RFM_SEGMENTS). */
export function rfmSegment(r: number, f: number, m: number): RfmSegmentRule {
  const rule = RFM_SEGMENTS.find((s) => inRange(r, s.r) && inRange(f, s.f) && inRange(m, s.m));
  if (!rule) throw new Error(`No RFM segment for R${r} F${f} M${m}`);
  return rule;
}

export function rfmSegmentLabel(id: string): string {
  return RFM_SEGMENTS.find((s) => s.id === id)?.label ?? id;
}

/** The score of one value among n: 1 + floor(5 × worse / n) (the SQL computes the same with rank()). */
export function quintileScore(worse: number, n: number): number {
  if (n <= 0 || worse < 0 || worse >= n) throw new RangeError(`worse (${worse}) must be in [0, n) with n = ${n}`);
  return 1 + Math.floor((5 * worse) / n);
}

/** The segment CASE over columns r, f, m, generated from RFM_SEGMENTS (constants of ours only). */
export function segmentCase(prefix: string): SQL {
  const between = (column: string, [min, max]: readonly [number, number]) =>
    min === 1 && max === 5 ? null : min === max ? `${column} = ${min}` : `${column} BETWEEN ${min} AND ${max}`;
  const whens = RFM_SEGMENTS.map((s) => {
    const parts = [between(`${prefix}r`, s.r), between(`${prefix}f`, s.f), between(`${prefix}m`, s.m)].filter(Boolean);
    return `WHEN ${parts.length ? parts.join(" AND ") : "true"} THEN '${s.id}'`;
  });
  return sql.raw(`CASE ${whens.join(" ")} END`);
}

export type RfmOptions = {
  /** The instant recency is measured to (default now); tests pin it. */
  asOf?: Date;
};

export type RfmResult = { scored: number; removed: number; asOf: Date };

/**
 * Recomputes RFM for a channel: the metrics of `customerIds` (every customer of the channel when
 * omitted), then the scores and segments of the whole channel, since quintiles move when anyone's
 * metrics do. Re-scoring reads only customer_rfm (one row per buyer, no orders), so the incremental
 * form after a sync costs a lookup per changed customer plus one pass over the channel's buyers.
 * Runs in one transaction (a savepoint inside the caller's).
 */
export async function recomputeRfm(
  db: Db | DbTx,
  channelId: number,
  customerIds?: readonly number[],
  options: RfmOptions = {},
): Promise<RfmResult> {
  const asOf = options.asOf ?? new Date();
  if (customerIds && customerIds.length === 0) return { scored: 0, removed: 0, asOf };
  // A transaction is a database too (PgTransaction extends PgDatabase): nested, it is a savepoint.
  return (db as Db).transaction(async (tx) => {
    const at = sql`${asOf.toISOString()}::timestamptz`;
    const day = (value: SQL) => sql`((${value}) AT TIME ZONE 'UTC')::date`;
    const buyers = sql`o.channel_id = ${channelId} AND o.customer_id IS NOT NULL AND o.state <> 'canceled' AND o.removed_at IS NULL`;

    // The metrics of the customers asked for: grouped in one pass for a whole channel, or by the
    // customer index (magento_orders_customer_idx) for a list.
    const metrics = customerIds
      ? sql`
        SELECT ids.id AS customer_id, agg.last_at, agg.frequency, agg.monetary
        FROM (SELECT DISTINCT unnest(${idArray(customerIds)}) AS id) ids
        CROSS JOIN LATERAL (
          SELECT max(coalesce(o.remote_created_at, o.synced_at)) AS last_at, count(*)::int AS frequency,
                 coalesce(sum((o.base_subtotal + coalesce(o.base_discount_amount, 0)) * o.base_to_global_rate), 0) AS monetary
          FROM magento_orders o WHERE o.customer_id = ids.id AND ${buyers}
        ) agg
        WHERE agg.frequency > 0`
      : sql`
        SELECT o.customer_id, max(coalesce(o.remote_created_at, o.synced_at)) AS last_at, count(*)::int AS frequency,
               coalesce(sum((o.base_subtotal + coalesce(o.base_discount_amount, 0)) * o.base_to_global_rate), 0) AS monetary
        FROM magento_orders o WHERE ${buyers}
        GROUP BY o.customer_id`;

    const scope = customerIds ? sql`AND t.customer_id = ANY(${idArray(customerIds)})` : sql``;
    // One pass over the orders (materialized), two writes: rows of customers (in scope) who no longer
    // qualify go (no non-canceled order left, removed, merged into another customer); the others get
    // their new metrics, with placeholder scores that the scoring pass below replaces. The two touch
    // different rows, as one statement's data-modifying parts must.
    const [changed] = await queryRows<{ removed: unknown }>(
      tx,
      sql`
      WITH mm AS MATERIALIZED (
        SELECT mm.* FROM (${metrics}) mm JOIN magento_customers c ON c.id = mm.customer_id
        WHERE c.channel_id = ${channelId} AND c.removed_at IS NULL AND c.merged_into_id IS NULL
      ),
      gone AS (
        DELETE FROM customer_rfm t
        WHERE t.channel_id = ${channelId} ${scope} AND NOT EXISTS (SELECT 1 FROM mm WHERE mm.customer_id = t.customer_id)
        RETURNING 1
      ),
      upserted AS (
        INSERT INTO customer_rfm (customer_id, channel_id, recency_days, frequency, monetary, r, f, m, segment, computed_at)
        SELECT mm.customer_id, ${channelId}, greatest(0, ${day(at)} - ${day(sql`mm.last_at`)}), mm.frequency, mm.monetary,
               1, 1, 1, 'hibernating', ${at}
        FROM mm
        ON CONFLICT (customer_id) DO UPDATE SET
          channel_id = excluded.channel_id, recency_days = excluded.recency_days, frequency = excluded.frequency,
          monetary = excluded.monetary, computed_at = excluded.computed_at
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM gone) AS removed, (SELECT count(*) FROM upserted) AS upserted`,
    );

    // Scores of the whole channel. Rows not recomputed above keep their last order date implicitly:
    // recency_days was measured at computed_at's day, so it moves on by the days since then (exact,
    // since both are whole UTC days). rank() gives tied values the same, lowest, position.
    const scored = await tx.execute(sql`
      UPDATE customer_rfm t SET
        recency_days = s.recency_days, r = s.r, f = s.f, m = s.m, segment = ${segmentCase("s.")}, computed_at = ${at}
      FROM (
        SELECT customer_id, recency_days,
          (1 + 5 * (rank() OVER (ORDER BY recency_days DESC) - 1) / n)::smallint AS r,
          (1 + 5 * (rank() OVER (ORDER BY frequency ASC) - 1) / n)::smallint AS f,
          (1 + 5 * (rank() OVER (ORDER BY monetary ASC) - 1) / n)::smallint AS m
        FROM (
          SELECT customer_id, frequency, monetary,
            recency_days + greatest(0, ${day(at)} - ${day(sql`computed_at`)}) AS recency_days,
            count(*) OVER () AS n
          FROM customer_rfm WHERE channel_id = ${channelId}
        ) cur
      ) s
      WHERE t.customer_id = s.customer_id`);

    await tx.execute(sql`
      INSERT INTO report_refresh (channel_id, kind, refreshed_at) VALUES (${channelId}, 'rfm', ${at})
      ON CONFLICT (channel_id, kind) DO UPDATE SET refreshed_at = excluded.refreshed_at`);

    return { scored: affected(scored), removed: Number(changed?.removed ?? 0), asOf };
  });
}

/** Rows a statement touched, whichever driver ran it (postgres.js: count; PGlite: affectedRows). */
function affected(result: unknown): number {
  const r = result as { count?: number; affectedRows?: number };
  return Number(r.count ?? r.affectedRows ?? 0);
}
