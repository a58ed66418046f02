import { sql } from "drizzle-orm";
import type { MagentoCart } from "@/lib/magento/schemas/cart";
import type { DbTx } from "@/db/client";
import type { Connector, SyncContext, WriteResult } from "@/lib/sync/types";
import { CART_UPDATES, linkCartsToOrders, NEW_CART_MESSAGE, NEW_CART_STATUS } from "@/lib/sync/rules/carts";
import { ensureGuestCustomers, guestKey } from "@/lib/sync/rules/guests";
import { recordset, upsertRows } from "@/lib/sync/write/upsert";
import { fetchWindowPage, type Failure, iso, maxDate, result, storeFilter } from "./common";

// Carts (quotes) incl. guest carts, with their items (refreshed for open carts only).

function isGuestCart(cart: MagentoCart): boolean {
  return cart.customer_is_guest === true || cart.customer?.id === null || cart.customer?.id === undefined;
}

/**
 * Who the cart is for. A guest cart's customer block is all null (`{"email": null, …}`) until
 * the order is placed; a guest who reached checkout left the email and name on the addresses.
 */
export function cartContact(cart: MagentoCart): { email: string | null; firstName: string | null; lastName: string | null } {
  const addresses = [cart.billing_address, ...(cart.extension_attributes?.shipping_assignments ?? []).map((a) => a.shipping?.address)];
  const fromAddress = (read: (a: NonNullable<MagentoCart["billing_address"]>) => string | null | undefined) => {
    for (const a of addresses) {
      const value = a ? read(a) : null;
      if (value) return value;
    }
    return null;
  };
  const customer = cart.customer;
  return {
    email: customer?.email || fromAddress((a) => a.email),
    firstName: customer?.firstname || fromAddress((a) => a.firstname),
    lastName: customer?.lastname || fromAddress((a) => a.lastname),
  };
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : typeof value === "number" ? String(value) : null);

export async function writeCarts(tx: DbTx, ctx: SyncContext, records: MagentoCart[]): Promise<WriteResult> {
  const channel = ctx.channel;
  const failed: Failure[] = [];
  const contacts = new Map(records.map((c) => [c, cartContact(c)]));
  const guestContact = (c: MagentoCart) => {
    const contact = contacts.get(c)!;
    return contact.email ? { email: contact.email, firstName: contact.firstName, lastName: contact.lastName } : null;
  };
  const guests = await ensureGuestCustomers(
    tx,
    channel,
    records.filter(isGuestCart).flatMap((c) => guestContact(c) ?? []),
  );
  const rows = records.map((c) => {
    const guest = isGuestCart(c);
    const contact = contacts.get(c)!;
    const guestOf = guest ? guestContact(c) : null;
    const extra = c as Record<string, unknown>;
    const billing = c.billing_address;
    return {
      channel_id: channel.id,
      origin_id: c.id,
      is_active: c.is_active !== false,
      is_guest: guest,
      guest_customer_id: guestOf ? (guests.get(guestKey(channel, guestOf)) ?? null) : null,
      customer_origin_id: guest ? null : (c.customer?.id ?? null),
      customer_email: contact.email,
      customer_first_name: contact.firstName,
      customer_last_name: contact.lastName,
      store_origin_id: c.store_id,
      items_count: c.items_count ?? (c.items ?? []).length,
      items_qty: c.items_qty ?? "0",
      items: (c.items ?? []).map((i) => ({ price: i.price ?? "0", qty: i.qty })),
      grand_total: text(extra.grand_total),
      base_grand_total: text(extra.base_grand_total),
      currency_code: c.currency?.quote_currency_code ?? null,
      base_currency_code: c.currency?.base_currency_code ?? null,
      global_currency_code: c.currency?.global_currency_code ?? null,
      base_to_global_rate: c.currency?.base_to_global_rate ?? null,
      coupon_code: c.extension_attributes?.coupon_codes?.[0] ?? text(extra.coupon_code),
      billing_country_id: billing?.country_id ?? null,
      billing_region: billing?.region ?? null,
      reserved_order_id: c.reserved_order_id ?? null,
      converted_at: iso(c.converted_at),
      remote_created_at: iso(c.created_at),
      remote_updated_at: iso(c.updated_at),
    };
  });
  const subtotal = "(SELECT coalesce(sum((i->>'price')::numeric * (i->>'qty')::numeric), 0) FROM jsonb_array_elements(r.items) i)";
  const upserted = await upsertRows(
    tx,
    {
      table: "magento_carts",
      refuseReplaced: "cart",
      input: {
        channel_id: "bigint",
        origin_id: "bigint",
        is_active: "boolean",
        is_guest: "boolean",
        guest_customer_id: "bigint",
        customer_origin_id: "bigint",
        customer_email: "text",
        customer_first_name: "text",
        customer_last_name: "text",
        store_origin_id: "bigint",
        items_count: "int",
        items_qty: "numeric",
        items: "jsonb",
        grand_total: "numeric",
        base_grand_total: "numeric",
        currency_code: "text",
        base_currency_code: "text",
        global_currency_code: "text",
        base_to_global_rate: "numeric",
        coupon_code: "text",
        billing_country_id: "text",
        billing_region: "text",
        reserved_order_id: "text",
        converted_at: "timestamptz",
        remote_created_at: "timestamptz",
        remote_updated_at: "timestamptz",
      },
      columns: {
        channel_id: "r.channel_id",
        origin_id: "r.origin_id",
        status: NEW_CART_STATUS,
        status_message: NEW_CART_MESSAGE,
        status_changed_at: "now()",
        is_active: "r.is_active",
        customer_id:
          "coalesce(r.guest_customer_id, (SELECT c.id FROM magento_customers c WHERE c.channel_id = r.channel_id AND c.origin_id = r.customer_origin_id))",
        customer_origin_id: "r.customer_origin_id",
        is_guest: "r.is_guest",
        customer_email: "r.customer_email",
        customer_first_name: "r.customer_first_name",
        customer_last_name: "r.customer_last_name",
        store_id: "(SELECT s.id FROM magento_stores s WHERE s.channel_id = r.channel_id AND s.origin_id = r.store_origin_id)",
        store_origin_id: "r.store_origin_id",
        items_count: "r.items_count",
        items_qty: "r.items_qty",
        subtotal,
        grand_total: `coalesce(r.grand_total, ${subtotal})`,
        base_grand_total: "r.base_grand_total",
        currency_code: "r.currency_code",
        base_currency_code: "r.base_currency_code",
        global_currency_code: "r.global_currency_code",
        base_to_global_rate: "r.base_to_global_rate",
        coupon_code: "r.coupon_code",
        billing_country_id: "r.billing_country_id",
        billing_region: "r.billing_region",
        reserved_order_id: "r.reserved_order_id",
        converted_at: "r.converted_at",
        remote_created_at: "r.remote_created_at",
        remote_updated_at: "r.remote_updated_at",
      },
      updates: CART_UPDATES,
    },
    rows,
  );

  // Items: only carts that are open here are refreshed; items gone remotely are flagged removed.
  const openCarts = records.map((c) => ({ origin_id: c.id }));
  const items = records.flatMap((c) =>
    (c.items ?? [])
      .filter((i) => i.item_id !== null && i.item_id !== undefined)
      .map((i) => ({
        channel_id: channel.id,
        origin_id: i.item_id,
        cart_origin_id: c.id,
        sku: i.sku ?? "",
        name: i.name ?? null,
        product_type: i.product_type ?? null,
        qty: i.qty,
        price: i.price ?? "0",
      })),
  );
  await upsertRows(
    tx,
    {
      table: "magento_cart_items",
      input: {
        channel_id: "bigint",
        origin_id: "bigint",
        cart_origin_id: "bigint",
        sku: "text",
        name: "text",
        product_type: "text",
        qty: "numeric",
        price: "numeric",
      },
      columns: {
        channel_id: "r.channel_id",
        origin_id: "r.origin_id",
        cart_id: "c.id",
        cart_origin_id: "r.cart_origin_id",
        sku: "r.sku",
        name: "r.name",
        product_type: "r.product_type",
        qty: "r.qty",
        price: "r.price",
        row_total: "r.qty * r.price",
      },
      joins: "JOIN magento_carts c ON c.channel_id = r.channel_id AND c.origin_id = r.cart_origin_id",
      // Open carts follow Magento; a cart first seen closed (purchased, expired) still gets its items once.
      filter: "(c.status = 'open' OR NOT EXISTS (SELECT 1 FROM magento_cart_items x WHERE x.cart_id = c.id))",
    },
    items,
  );
  await tx.execute(sql`
    UPDATE magento_cart_items i SET removed_at = now()
    FROM magento_carts c, ${recordset(openCarts, "p", { origin_id: "bigint" })}
    WHERE i.cart_id = c.id AND c.channel_id = ${channel.id} AND c.origin_id = p.origin_id AND c.status = 'open'
      AND i.removed_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM ${recordset(items, "k", { origin_id: "bigint" })} WHERE k.origin_id = i.origin_id)`);

  // Orders that arrived before their cart (rule 2).
  await linkCartsToOrders(
    tx,
    channel.id,
    records.map((c) => c.id),
  );
  return result(records.length, upserted.created, upserted.updated, failed, maxDate(records.map((c) => c.updated_at)));
}

export const cartsConnector: Connector<MagentoCart> = {
  name: "carts",
  windowed: true,
  async fetchPage(ctx, request, pageSize) {
    return fetchWindowPage(ctx, "carts", request, pageSize, await storeFilter(ctx));
  },
  writePage: writeCarts,
};
