import { z } from "zod";
import {
  decimal, fieldsOf, int, looseRecord, money, optional, optionalDateTime, optionalDecimal, optionalInt,
  optionalMoney, optionalString,
} from "./primitives";

// Credit memos (refunds). Definitions: sales-data-creditmemo-interface,
// sales-data-creditmemo-item-interface, sales-data-creditmemo-comment-interface. No official page
// shows a filled-in credit memo, so the definitions are the whole contract here. Search pages are
// read leniently (lib/magento/validate.ts): only CREDIT_MEMO_STRICT_FIELDS must be readable;
// `base_cost` is null when the product has no cost attribute.

export const creditMemoItemSchema = z.looseObject({
  base_cost: optional(money),
  base_price: optional(money),
  qty: decimal,
  entity_id: int,
  order_item_id: int,
  ...fieldsOf(optionalString, ["additional_data", "description", "name", "sku", "weee_tax_applied"]),
  ...fieldsOf(optionalInt, ["parent_id", "product_id"]),
  ...fieldsOf(optionalMoney, [
    "base_discount_amount", "base_discount_tax_compensation_amount", "base_price_incl_tax", "base_row_total",
    "base_row_total_incl_tax", "base_tax_amount", "base_weee_tax_applied_amount", "base_weee_tax_applied_row_amnt",
    "base_weee_tax_disposition", "base_weee_tax_row_disposition", "discount_amount",
    "discount_tax_compensation_amount", "price", "price_incl_tax", "row_total", "row_total_incl_tax", "tax_amount",
    "weee_tax_applied_amount", "weee_tax_applied_row_amount", "weee_tax_disposition", "weee_tax_row_disposition",
  ]),
  extension_attributes: optional(looseRecord),
});

export const creditMemoCommentSchema = z.looseObject({
  comment: optionalString,
  created_at: optionalDateTime,
  entity_id: optionalInt,
  is_customer_notified: optionalInt,
  is_visible_on_front: optionalInt,
  parent_id: optionalInt,
  extension_attributes: optional(looseRecord),
});

export const creditMemoSchema = z.looseObject({
  order_id: int,
  items: z.array(creditMemoItemSchema),
  ...fieldsOf(optionalString, [
    "base_currency_code", "discount_description", "global_currency_code", "increment_id", "order_currency_code",
    "store_currency_code", "transaction_id",
  ]),
  ...fieldsOf(optionalInt, [
    "billing_address_id", "creditmemo_status", "email_sent", "entity_id", "invoice_id", "shipping_address_id", "state",
    "store_id",
  ]),
  ...fieldsOf(optionalDecimal, ["base_to_global_rate", "base_to_order_rate", "store_to_base_rate", "store_to_order_rate"]),
  ...fieldsOf(optionalMoney, [
    "adjustment", "adjustment_negative", "adjustment_positive", "base_adjustment", "base_adjustment_negative",
    "base_adjustment_positive", "base_discount_amount", "base_grand_total", "base_discount_tax_compensation_amount",
    "base_shipping_amount", "base_shipping_discount_tax_compensation_amnt", "base_shipping_incl_tax",
    "base_shipping_tax_amount", "base_subtotal", "base_subtotal_incl_tax", "base_tax_amount", "discount_amount",
    "grand_total", "discount_tax_compensation_amount", "shipping_amount", "shipping_discount_tax_compensation_amount",
    "shipping_incl_tax", "shipping_tax_amount", "subtotal", "subtotal_incl_tax", "tax_amount",
  ]),
  created_at: optionalDateTime,
  updated_at: optionalDateTime,
  comments: optional(z.array(creditMemoCommentSchema)),
  extension_attributes: optional(looseRecord),
});

/** A memo's identity, order and store links, paging timestamps and the refunded money shown (base amounts and rate too). */
export const CREDIT_MEMO_STRICT_FIELDS: ReadonlySet<string> = new Set([
  "entity_id", "order_id", "store_id", "created_at", "updated_at", "grand_total", "base_grand_total", "subtotal",
  "tax_amount", "shipping_amount", "discount_amount", "adjustment", "adjustment_positive", "adjustment_negative",
  "base_subtotal", "base_tax_amount", "base_shipping_amount", "base_discount_amount", "base_adjustment",
  "base_to_global_rate", "order_currency_code", "base_currency_code", "global_currency_code", "items", "items[].entity_id", "items[].order_item_id", "items[].qty",
  "items[].price", "items[].row_total", "items[].tax_amount", "items[].discount_amount",
]);

export type MagentoCreditMemoItem = z.output<typeof creditMemoItemSchema>;
export type MagentoCreditMemoComment = z.output<typeof creditMemoCommentSchema>;
export type MagentoCreditMemo = z.output<typeof creditMemoSchema>;
