import { sql } from "drizzle-orm";
import type { MagentoCreditMemo } from "@/lib/magento/schemas/creditmemo";
import type { DbTx } from "@/db/client";
import type { Connector, SyncContext, WriteResult } from "@/lib/sync/types";
import { recomputeCustomerTotals } from "@/lib/sync/rules/ltv";
import { queryRows } from "@/db/rows";
import { idArray, upsertRows } from "@/lib/sync/write/upsert";
import { fetchWindowPage, type Failure, iso, maxDate, result, storeFilter } from "./common";

// Credit memos with their items; linked to the order (and its customer) by order origin id.

export async function writeCreditMemos(tx: DbTx, ctx: SyncContext, records: MagentoCreditMemo[]): Promise<WriteResult> {
  const channelId = ctx.channel.id;
  const failed: Failure[] = [];
  const valid = records.filter((m) => {
    if (m.entity_id === null || m.entity_id === undefined) {
      failed.push({ originId: null, field: "entity_id", message: "credit memo without entity_id", payload: m });
      return false;
    }
    return true;
  });
  const rows = valid.map((m) => ({
    channel_id: channelId,
    origin_id: m.entity_id,
    increment_id: m.increment_id ?? null,
    order_origin_id: m.order_id,
    store_origin_id: m.store_id ?? null,
    state: m.state ?? null,
    grand_total: m.grand_total ?? "0",
    base_grand_total: m.base_grand_total ?? null,
    subtotal: m.subtotal ?? "0",
    tax_amount: m.tax_amount ?? "0",
    shipping_amount: m.shipping_amount ?? "0",
    discount_amount: m.discount_amount ?? "0",
    adjustment: m.adjustment ?? "0",
    adjustment_positive: m.adjustment_positive ?? "0",
    adjustment_negative: m.adjustment_negative ?? "0",
    order_currency_code: m.order_currency_code ?? null,
    base_subtotal: m.base_subtotal ?? null,
    base_tax_amount: m.base_tax_amount ?? null,
    base_shipping_amount: m.base_shipping_amount ?? null,
    base_discount_amount: m.base_discount_amount ?? null,
    base_adjustment: m.base_adjustment ?? null,
    base_to_global_rate: m.base_to_global_rate ?? null,
    global_currency_code: m.global_currency_code ?? null,
    base_currency_code: m.base_currency_code ?? null,
    remote_created_at: iso(m.created_at),
    remote_updated_at: iso(m.updated_at),
  }));
  const upserted = await upsertRows(
    tx,
    {
      table: "magento_credit_memos",
      refuseReplaced: "credit memo",
      input: {
        channel_id: "bigint",
        origin_id: "bigint",
        increment_id: "text",
        order_origin_id: "bigint",
        store_origin_id: "bigint",
        state: "smallint",
        grand_total: "numeric",
        base_grand_total: "numeric",
        subtotal: "numeric",
        tax_amount: "numeric",
        shipping_amount: "numeric",
        discount_amount: "numeric",
        adjustment: "numeric",
        adjustment_positive: "numeric",
        adjustment_negative: "numeric",
        order_currency_code: "text",
        base_currency_code: "text",
        base_subtotal: "numeric",
        base_tax_amount: "numeric",
        base_shipping_amount: "numeric",
        base_discount_amount: "numeric",
        base_adjustment: "numeric",
        base_to_global_rate: "numeric",
        global_currency_code: "text",
        remote_created_at: "timestamptz",
        remote_updated_at: "timestamptz",
      },
      columns: {
        channel_id: "r.channel_id",
        origin_id: "r.origin_id",
        increment_id: "r.increment_id",
        order_id: "o.id",
        order_origin_id: "r.order_origin_id",
        customer_id: "o.customer_id",
        store_id: "(SELECT s.id FROM magento_stores s WHERE s.channel_id = r.channel_id AND s.origin_id = r.store_origin_id)",
        store_origin_id: "r.store_origin_id",
        state: "r.state",
        grand_total: "r.grand_total",
        base_grand_total: "r.base_grand_total",
        subtotal: "r.subtotal",
        tax_amount: "r.tax_amount",
        shipping_amount: "r.shipping_amount",
        discount_amount: "r.discount_amount",
        adjustment: "r.adjustment",
        adjustment_positive: "r.adjustment_positive",
        adjustment_negative: "r.adjustment_negative",
        order_currency_code: "r.order_currency_code",
        base_currency_code: "r.base_currency_code",
        base_subtotal: "r.base_subtotal",
        base_tax_amount: "r.base_tax_amount",
        base_shipping_amount: "r.base_shipping_amount",
        base_discount_amount: "r.base_discount_amount",
        base_adjustment: "r.base_adjustment",
        base_to_global_rate: "r.base_to_global_rate",
        global_currency_code: "r.global_currency_code",
        remote_created_at: "r.remote_created_at",
        remote_updated_at: "r.remote_updated_at",
      },
      joins: "LEFT JOIN magento_orders o ON o.channel_id = r.channel_id AND o.origin_id = r.order_origin_id",
    },
    rows,
  );
  const items = valid.flatMap((m) =>
    m.items.map((i) => ({
      channel_id: channelId,
      origin_id: i.entity_id,
      memo_origin_id: m.entity_id,
      order_item_origin_id: i.order_item_id,
      sku: i.sku ?? null,
      name: i.name ?? null,
      qty: i.qty,
      price: i.price ?? "0",
      row_total: i.row_total ?? "0",
      tax_amount: i.tax_amount ?? "0",
      discount_amount: i.discount_amount ?? "0",
    })),
  );
  await upsertRows(
    tx,
    {
      table: "magento_credit_memo_items",
      input: {
        channel_id: "bigint",
        origin_id: "bigint",
        memo_origin_id: "bigint",
        order_item_origin_id: "bigint",
        sku: "text",
        name: "text",
        qty: "numeric",
        price: "numeric",
        row_total: "numeric",
        tax_amount: "numeric",
        discount_amount: "numeric",
      },
      columns: {
        channel_id: "r.channel_id",
        origin_id: "r.origin_id",
        credit_memo_id: "m.id",
        order_item_origin_id: "r.order_item_origin_id",
        sku: "r.sku",
        name: "r.name",
        qty: "r.qty",
        price: "r.price",
        row_total: "r.row_total",
        tax_amount: "r.tax_amount",
        discount_amount: "r.discount_amount",
      },
      joins: "JOIN magento_credit_memos m ON m.channel_id = r.channel_id AND m.origin_id = r.memo_origin_id",
    },
    items,
  );
  return result(valid.length, upserted.created, upserted.updated, failed, maxDate(records.map((m) => m.updated_at)));
}

export const creditMemosConnector: Connector<MagentoCreditMemo> = {
  name: "credit_memos",
  windowed: true,
  async fetchPage(ctx, request, pageSize) {
    return fetchWindowPage(ctx, "creditMemos", request, pageSize, await storeFilter(ctx));
  },
  writePage: writeCreditMemos,
  async afterPage(tx, ctx, records) {
    const orderIds = [...new Set(records.map((m) => m.order_id))];
    if (orderIds.length === 0) return;
    const rows = await queryRows<{ customer_id: unknown }>(
      tx,
      sql`
      SELECT DISTINCT customer_id FROM magento_orders
      WHERE channel_id = ${ctx.channel.id} AND origin_id = ANY(${idArray(orderIds)}) AND customer_id IS NOT NULL`,
    );
    await recomputeCustomerTotals(
      tx,
      ctx.channel.id,
      rows.map((row) => Number(row.customer_id)),
    );
  },
};
