import { sql } from "drizzle-orm";
import type { MagentoOrder } from "@/lib/magento/schemas/order";
import type { DbTx } from "@/db/client";
import type { Connector, SyncContext, WriteResult } from "@/lib/sync/types";
import { linkOrdersToCarts, ORDER_CART_ID } from "@/lib/sync/rules/carts";
import { createGuestCustomers, type GuestContact, guestKey } from "@/lib/sync/rules/guests";
import { recomputeTotalsForOrders } from "@/lib/sync/rules/ltv";
import { idArray, type SerializedRows, serializeRows, streetArray, upsertRows } from "@/lib/sync/write/upsert";
import { fetchWindowPage, type Failure, iso, maxDate, result, storeFilter } from "./common";

// Orders incl. guest orders, with items and billing/shipping addresses.

// What writeOrders reads, and nothing else: Magento's full order (every base_* amount, the
// items a second time under shipping_assignments, status histories, payment details) is ~3.7×
// larger, and decoding, parsing and validating it was the biggest CPU cost of an orders page.
// The official schema's required fields are all named, so records are validated as strictly.
const ADDRESS_FIELDS =
  "entity_id,address_type,firstname,lastname,company,street,city,region,region_code,postcode,country_id,telephone,email";
const ITEM_FIELDS = [
  "item_id",
  "parent_item_id",
  "sku",
  "name",
  "product_type",
  "product_id",
  "qty_ordered",
  "qty_invoiced",
  "qty_shipped",
  "qty_refunded",
  "qty_canceled",
  "price",
  "base_price",
  "original_price",
  "row_total",
  "tax_amount",
  "discount_amount",
  "base_row_total",
  "base_discount_amount",
  "base_tax_amount",
  "created_at",
  "updated_at",
].join(",");
const ORDER_FIELDS = [
  "entity_id",
  "increment_id",
  "quote_id",
  "state",
  "status",
  "customer_is_guest",
  "customer_id",
  "customer_email",
  "customer_firstname",
  "customer_lastname",
  "customer_group_id",
  "store_id",
  "grand_total",
  "base_grand_total",
  "subtotal",
  "tax_amount",
  "shipping_amount",
  "discount_amount",
  "total_paid",
  "total_refunded",
  "total_canceled",
  "total_due",
  "base_subtotal",
  "base_discount_amount",
  "base_shipping_amount",
  "base_tax_amount",
  "base_total_refunded",
  "base_total_canceled",
  "base_to_global_rate",
  "order_currency_code",
  "base_currency_code",
  "global_currency_code",
  "coupon_code",
  "shipping_description",
  "total_item_count",
  "total_qty_ordered",
  "remote_ip",
  "created_at",
  "updated_at",
  "payment[method]",
  `billing_address[${ADDRESS_FIELDS}]`,
  // items[sku]: the schema requires each assignment's items; sku is the least of them.
  `extension_attributes[shipping_assignments[shipping[method,address[${ADDRESS_FIELDS}]],items[sku]]]`,
  `items[${ITEM_FIELDS}]`,
].join(",");
export const ORDER_SEARCH_FIELDS = `items[${ORDER_FIELDS}],total_count`;

function isGuestOrder(order: MagentoOrder): boolean {
  return order.customer_is_guest === 1 || order.customer_id === null || order.customer_id === undefined;
}

const contactOf = (o: MagentoOrder) => ({
  email: o.customer_email ?? "",
  firstName: o.customer_firstname ?? null,
  lastName: o.customer_lastname ?? null,
});

/** A page of orders mapped to rows and serialized, before any database work (Connector.prepare). */
export interface PreparedOrders {
  orderIds: number[];
  failed: Failure[];
  guests: GuestContact[];
  orders: SerializedRows;
  items: SerializedRows;
  addresses: SerializedRows;
  maxUpdatedAt: Date | null;
}

export function prepareOrders(ctx: SyncContext, records: MagentoOrder[]): PreparedOrders {
  const channel = ctx.channel;
  const failed: Failure[] = [];
  const valid = records.filter((o) => {
    if (o.entity_id === null || o.entity_id === undefined) {
      failed.push({ originId: null, field: "entity_id", message: "order without entity_id", payload: o });
      return false;
    }
    return true;
  });
  const guests = valid.filter(isGuestOrder).map(contactOf);
  const rows = valid.map((o) => {
    const guest = isGuestOrder(o);
    const shipping = o.extension_attributes?.shipping_assignments?.[0]?.shipping;
    return {
      channel_id: channel.id,
      origin_id: o.entity_id,
      increment_id: o.increment_id ?? String(o.entity_id),
      quote_origin_id: o.quote_id ?? null,
      state: o.state ?? "new",
      status: o.status ?? o.state ?? "pending",
      is_guest: guest,
      // The guest record (created by the write, found by its key there) is the customer of a guest order.
      guest_key: guest && o.customer_email ? guestKey(channel, contactOf(o)) : null,
      customer_origin_id: guest ? null : o.customer_id,
      customer_email: o.customer_email ?? null,
      customer_first_name: o.customer_firstname ?? null,
      customer_last_name: o.customer_lastname ?? null,
      customer_group_origin_id: o.customer_group_id ?? null,
      store_origin_id: o.store_id ?? null,
      grand_total: o.grand_total,
      base_grand_total: o.base_grand_total ?? null,
      subtotal: o.subtotal ?? "0",
      tax_amount: o.tax_amount ?? "0",
      shipping_amount: o.shipping_amount ?? "0",
      discount_amount: o.discount_amount ?? "0",
      total_paid: o.total_paid ?? "0",
      total_refunded: o.total_refunded ?? "0",
      total_canceled: o.total_canceled ?? "0",
      total_due: o.total_due ?? null,
      // Base amounts stay null when Magento left them out: never guessed from the order currency.
      base_subtotal: o.base_subtotal ?? null,
      base_discount_amount: o.base_discount_amount ?? null,
      base_shipping_amount: o.base_shipping_amount ?? null,
      base_tax_amount: o.base_tax_amount ?? null,
      base_total_refunded: o.base_total_refunded ?? null,
      base_total_canceled: o.base_total_canceled ?? null,
      base_to_global_rate: o.base_to_global_rate ?? null,
      order_currency_code: o.order_currency_code ?? null,
      base_currency_code: o.base_currency_code ?? null,
      global_currency_code: o.global_currency_code ?? null,
      coupon_code: o.coupon_code ?? null,
      payment_method: o.payment?.method ?? null,
      shipping_method: shipping?.method ?? null,
      shipping_description: o.shipping_description ?? null,
      // Visible lines, as Magento counts them: a configurable product's child line is part of its parent.
      total_item_count: o.total_item_count ?? o.items.filter((i) => i.parent_item_id === null || i.parent_item_id === undefined).length,
      total_qty_ordered: o.total_qty_ordered ?? null,
      billing_country_id: o.billing_address?.country_id ?? null,
      billing_region: o.billing_address?.region ?? null,
      remote_ip: o.remote_ip ?? null,
      remote_created_at: iso(o.created_at),
      remote_updated_at: iso(o.updated_at),
    };
  });
  const items = valid.flatMap((o) =>
    o.items
      .filter((i) => i.item_id !== null && i.item_id !== undefined)
      .map((i) => ({
        channel_id: channel.id,
        origin_id: i.item_id,
        order_origin_id: o.entity_id,
        parent_item_origin_id: i.parent_item_id ?? null,
        sku: i.sku ?? "",
        name: i.name ?? null,
        product_type: i.product_type ?? null,
        product_origin_id: i.product_id ?? null,
        qty_ordered: i.qty_ordered ?? "0",
        qty_invoiced: i.qty_invoiced ?? "0",
        qty_shipped: i.qty_shipped ?? "0",
        qty_refunded: i.qty_refunded ?? "0",
        qty_canceled: i.qty_canceled ?? "0",
        price: i.price ?? "0",
        base_price: i.base_price ?? null,
        original_price: i.original_price ?? null,
        row_total: i.row_total ?? "0",
        tax_amount: i.tax_amount ?? "0",
        discount_amount: i.discount_amount ?? "0",
        base_row_total: i.base_row_total ?? null,
        base_discount_amount: i.base_discount_amount ?? null,
        base_tax_amount: i.base_tax_amount ?? null,
        remote_created_at: iso(i.created_at),
        remote_updated_at: iso(i.updated_at),
      })),
  );
  const addresses = valid.flatMap((o) => {
    const list = [o.billing_address, ...(o.extension_attributes?.shipping_assignments ?? []).map((a) => a.shipping?.address)];
    const seen = new Set<number>();
    return list.flatMap((a) => {
      if (!a || a.entity_id === null || a.entity_id === undefined || seen.has(a.entity_id)) return [];
      seen.add(a.entity_id);
      return [
        {
          channel_id: channel.id,
          origin_id: a.entity_id,
          order_origin_id: o.entity_id,
          address_type: a.address_type === "shipping" ? "shipping" : "billing",
          first_name: a.firstname ?? null,
          last_name: a.lastname ?? null,
          company: a.company ?? null,
          street: a.street ?? null,
          city: a.city ?? null,
          region: a.region ?? null,
          region_code: a.region_code ?? null,
          postcode: a.postcode ?? null,
          country_id: a.country_id ?? null,
          telephone: a.telephone ?? null,
          email: a.email ?? null,
        },
      ];
    });
  });
  return {
    orderIds: valid.map((o) => o.entity_id as number),
    failed,
    guests,
    orders: serializeRows(rows),
    items: serializeRows(items),
    addresses: serializeRows(addresses),
    maxUpdatedAt: maxDate(records.map((o) => o.updated_at)),
  };
}

export async function writeOrders(
  tx: DbTx,
  ctx: SyncContext,
  records: MagentoOrder[],
  prepared: PreparedOrders = prepareOrders(ctx, records),
): Promise<WriteResult> {
  const channel = ctx.channel;
  await createGuestCustomers(tx, channel, prepared.guests);
  const upserted = await upsertRows(
    tx,
    {
      table: "magento_orders",
      refuseReplaced: "order",
      input: {
        channel_id: "bigint",
        origin_id: "bigint",
        increment_id: "text",
        quote_origin_id: "bigint",
        state: "text",
        status: "text",
        is_guest: "boolean",
        guest_key: "text",
        customer_origin_id: "bigint",
        customer_email: "text",
        customer_first_name: "text",
        customer_last_name: "text",
        customer_group_origin_id: "bigint",
        store_origin_id: "bigint",
        grand_total: "numeric",
        base_grand_total: "numeric",
        subtotal: "numeric",
        tax_amount: "numeric",
        shipping_amount: "numeric",
        discount_amount: "numeric",
        total_paid: "numeric",
        total_refunded: "numeric",
        total_canceled: "numeric",
        total_due: "numeric",
        base_subtotal: "numeric",
        base_discount_amount: "numeric",
        base_shipping_amount: "numeric",
        base_tax_amount: "numeric",
        base_total_refunded: "numeric",
        base_total_canceled: "numeric",
        base_to_global_rate: "numeric",
        order_currency_code: "text",
        base_currency_code: "text",
        global_currency_code: "text",
        coupon_code: "text",
        payment_method: "text",
        shipping_method: "text",
        shipping_description: "text",
        total_item_count: "int",
        total_qty_ordered: "numeric",
        billing_country_id: "text",
        billing_region: "text",
        remote_ip: "text",
        remote_created_at: "timestamptz",
        remote_updated_at: "timestamptz",
      },
      columns: {
        channel_id: "r.channel_id",
        origin_id: "r.origin_id",
        increment_id: "r.increment_id",
        quote_origin_id: "r.quote_origin_id",
        state: "r.state",
        status: "r.status",
        is_guest: "r.is_guest",
        cart_id: ORDER_CART_ID,
        customer_id: `CASE WHEN r.guest_key IS NOT NULL
        THEN (SELECT coalesce(g.merged_into_id, g.id) FROM magento_customers g WHERE g.channel_id = r.channel_id AND g.guest_key = r.guest_key)
        ELSE (SELECT c.id FROM magento_customers c WHERE c.channel_id = r.channel_id AND c.origin_id = r.customer_origin_id) END`,
        customer_origin_id: "r.customer_origin_id",
        customer_email: "r.customer_email",
        customer_first_name: "r.customer_first_name",
        customer_last_name: "r.customer_last_name",
        customer_group_origin_id: "r.customer_group_origin_id",
        store_id: "(SELECT s.id FROM magento_stores s WHERE s.channel_id = r.channel_id AND s.origin_id = r.store_origin_id)",
        store_origin_id: "r.store_origin_id",
        grand_total: "r.grand_total",
        base_grand_total: "r.base_grand_total",
        subtotal: "r.subtotal",
        tax_amount: "r.tax_amount",
        shipping_amount: "r.shipping_amount",
        discount_amount: "r.discount_amount",
        total_paid: "r.total_paid",
        total_refunded: "r.total_refunded",
        total_canceled: "r.total_canceled",
        total_due: "r.total_due",
        base_subtotal: "r.base_subtotal",
        base_discount_amount: "r.base_discount_amount",
        base_shipping_amount: "r.base_shipping_amount",
        base_tax_amount: "r.base_tax_amount",
        base_total_refunded: "r.base_total_refunded",
        base_total_canceled: "r.base_total_canceled",
        base_to_global_rate: "r.base_to_global_rate",
        order_currency_code: "r.order_currency_code",
        base_currency_code: "r.base_currency_code",
        global_currency_code: "r.global_currency_code",
        coupon_code: "r.coupon_code",
        payment_method: "r.payment_method",
        shipping_method: "r.shipping_method",
        shipping_description: "r.shipping_description",
        total_item_count: "r.total_item_count",
        total_qty_ordered: "r.total_qty_ordered",
        billing_country_id: "r.billing_country_id",
        billing_region: "r.billing_region",
        remote_ip: "r.remote_ip",
        remote_created_at: "r.remote_created_at",
        remote_updated_at: "r.remote_updated_at",
      },
    },
    prepared.orders,
  );

  // Items, addresses and the links depend only on the orders written above, not on each other: sent
  // together, they queue on the transaction's connection without a round trip between them.
  const orderIds = idArray(prepared.orderIds);
  await Promise.all([
    upsertRows(
      tx,
      {
        table: "magento_order_items",
        input: {
          channel_id: "bigint",
          origin_id: "bigint",
          order_origin_id: "bigint",
          parent_item_origin_id: "bigint",
          sku: "text",
          name: "text",
          product_type: "text",
          product_origin_id: "bigint",
          qty_ordered: "numeric",
          qty_invoiced: "numeric",
          qty_shipped: "numeric",
          qty_refunded: "numeric",
          qty_canceled: "numeric",
          price: "numeric",
          base_price: "numeric",
          original_price: "numeric",
          row_total: "numeric",
          tax_amount: "numeric",
          discount_amount: "numeric",
          base_row_total: "numeric",
          base_discount_amount: "numeric",
          base_tax_amount: "numeric",
          remote_created_at: "timestamptz",
          remote_updated_at: "timestamptz",
        },
        columns: {
          channel_id: "r.channel_id",
          origin_id: "r.origin_id",
          order_id: "o.id",
          order_origin_id: "r.order_origin_id",
          parent_item_origin_id: "r.parent_item_origin_id",
          sku: "r.sku",
          name: "r.name",
          product_type: "r.product_type",
          product_origin_id: "r.product_origin_id",
          qty_ordered: "r.qty_ordered",
          qty_invoiced: "r.qty_invoiced",
          qty_shipped: "r.qty_shipped",
          qty_refunded: "r.qty_refunded",
          qty_canceled: "r.qty_canceled",
          price: "r.price",
          base_price: "r.base_price",
          original_price: "r.original_price",
          row_total: "r.row_total",
          tax_amount: "r.tax_amount",
          discount_amount: "r.discount_amount",
          base_row_total: "r.base_row_total",
          base_discount_amount: "r.base_discount_amount",
          base_tax_amount: "r.base_tax_amount",
          remote_created_at: "r.remote_created_at",
          remote_updated_at: "r.remote_updated_at",
        },
        joins: "JOIN magento_orders o ON o.channel_id = r.channel_id AND o.origin_id = r.order_origin_id",
      },
      prepared.items,
    ),
    upsertRows(
      tx,
      {
        table: "magento_order_addresses",
        input: {
          channel_id: "bigint",
          origin_id: "bigint",
          order_origin_id: "bigint",
          address_type: "text",
          first_name: "text",
          last_name: "text",
          company: "text",
          street: "jsonb",
          city: "text",
          region: "text",
          region_code: "text",
          postcode: "text",
          country_id: "text",
          telephone: "text",
          email: "text",
        },
        columns: {
          channel_id: "r.channel_id",
          origin_id: "r.origin_id",
          order_id: "o.id",
          order_origin_id: "r.order_origin_id",
          address_type: "r.address_type",
          first_name: "r.first_name",
          last_name: "r.last_name",
          company: "r.company",
          street: streetArray("r.street"),
          city: "r.city",
          region: "r.region",
          region_code: "r.region_code",
          postcode: "r.postcode",
          country_id: "r.country_id",
          telephone: "r.telephone",
          email: "r.email",
        },
        joins: "JOIN magento_orders o ON o.channel_id = r.channel_id AND o.origin_id = r.order_origin_id",
      },
      prepared.addresses,
    ),
    // Credit memos written before their order get linked now. The memos are found by their own
    // (channel_id, order_origin_id) index: joined only through the orders, the planner scanned them all.
    tx.execute(sql`
      UPDATE magento_credit_memos m SET order_id = o.id, customer_id = o.customer_id FROM magento_orders o
      WHERE o.channel_id = ${channel.id} AND o.origin_id = ANY(${orderIds})
        AND m.channel_id = ${channel.id} AND m.order_origin_id = ANY(${orderIds})
        AND m.channel_id = o.channel_id AND m.order_origin_id = o.origin_id
        AND (m.order_id IS DISTINCT FROM o.id OR m.customer_id IS DISTINCT FROM o.customer_id)`),
    // Carts that arrived before their order (rule 2).
    linkOrdersToCarts(tx, channel.id, prepared.orderIds),
  ]);
  return result(prepared.orderIds.length, upserted.created, upserted.updated, prepared.failed, prepared.maxUpdatedAt);
}

export const ordersConnector: Connector<MagentoOrder, PreparedOrders> = {
  name: "orders",
  windowed: true,
  async fetchPage(ctx, request, pageSize) {
    return fetchWindowPage(ctx, "orders", request, pageSize, await storeFilter(ctx), ORDER_SEARCH_FIELDS);
  },
  prepare: prepareOrders,
  writePage: writeOrders,
  // Customers whose totals a page of orders changed (rule 4).
  afterPage: (tx, ctx, records) =>
    recomputeTotalsForOrders(
      tx,
      ctx.channel.id,
      records.flatMap((o) => (o.entity_id === null || o.entity_id === undefined ? [] : [o.entity_id])),
    ),
};
