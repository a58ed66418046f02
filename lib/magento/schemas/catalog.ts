import { z } from "zod";
import { customAttributeSchema, dateTime, decimal, int, looseRecord, money, optional } from "./primitives";

// Products (SKU, name, price for adding to carts) and stock. Definitions:
// catalog-data-product-interface, catalog-data-product-tier-price-interface,
// catalog-inventory-data-stock-item-interface. Product links, options and media are kept as
// they came: the portal does not read them.

export const tierPriceSchema = z.looseObject({
  customer_group_id: int,
  qty: decimal,
  value: money,
  extension_attributes: optional(looseRecord),
});

export const productSchema = z.looseObject({
  id: optional(int),
  sku: z.string(),
  name: optional(z.string()),
  attribute_set_id: optional(int),
  price: optional(money),
  status: optional(int),
  visibility: optional(int),
  type_id: optional(z.string()),
  created_at: optional(dateTime),
  updated_at: optional(dateTime),
  weight: optional(decimal),
  extension_attributes: optional(looseRecord),
  product_links: optional(z.array(looseRecord)),
  options: optional(z.array(looseRecord)),
  media_gallery_entries: optional(z.array(looseRecord)),
  tier_prices: optional(z.array(tierPriceSchema)),
  custom_attributes: optional(z.array(customAttributeSchema)),
});

/** catalog-inventory-data-stock-item-interface. `low_stock_date` is listed as required but is
 * null until stock first runs low, so it is optional here. */
export const stockItemSchema = z.looseObject({
  item_id: optional(int),
  product_id: optional(int),
  stock_id: optional(int),
  qty: decimal,
  is_in_stock: z.boolean(),
  is_qty_decimal: z.boolean(),
  show_default_notification_message: z.boolean(),
  use_config_min_qty: z.boolean(),
  min_qty: decimal,
  use_config_min_sale_qty: int,
  min_sale_qty: decimal,
  use_config_max_sale_qty: z.boolean(),
  max_sale_qty: decimal,
  use_config_backorders: z.boolean(),
  backorders: int,
  use_config_notify_stock_qty: z.boolean(),
  notify_stock_qty: decimal,
  use_config_qty_increments: z.boolean(),
  qty_increments: decimal,
  use_config_enable_qty_inc: z.boolean(),
  enable_qty_increments: z.boolean(),
  use_config_manage_stock: z.boolean(),
  manage_stock: z.boolean(),
  // null until the item first runs low; some stores send "" instead.
  low_stock_date: z.union([z.literal("").transform(() => null), dateTime]).nullish(),
  is_decimal_divided: z.boolean(),
  stock_status_changed_auto: int,
  extension_attributes: optional(looseRecord),
});

export type MagentoTierPrice = z.output<typeof tierPriceSchema>;
export type MagentoProduct = z.output<typeof productSchema>;
export type MagentoStockItem = z.output<typeof stockItemSchema>;
