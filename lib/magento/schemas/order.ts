import { z } from "zod";
import {
  dateTime, fieldsOf, looseRecord, money, optional,
  optionalDateTime, optionalDecimal, optionalInt, optionalMoney, optionalString,
} from "./primitives";

// Orders. Definitions: sales-data-order-interface, sales-data-order-item-interface,
// sales-data-order-address-interface, sales-data-order-payment-interface,
// sales-data-order-status-history-interface, sales-data-order-extension-interface (the parts the
// portal reads: shipping assignments and payment info; the rest is kept as it came).
// Schema `number` → exact decimal string, `integer` → number, timestamps → Date (UTC).
// Search pages are read leniently (lib/magento/validate.ts): only ORDER_STRICT_FIELDS must be
// readable, whatever the schema's `required` says about the rest.

export const orderAddressSchema = z.looseObject({
  ...fieldsOf(optionalString, [
    "address_type", "city", "country_id", "firstname", "lastname", "postcode", "telephone", "company", "email", "fax", "middlename", "prefix", "region", "region_code", "suffix", "vat_id",
    "vat_request_date", "vat_request_id",
  ]),
  ...fieldsOf(optionalInt, [
    "customer_address_id", "customer_id", "entity_id", "parent_id", "region_id", "vat_is_valid", "vat_request_success",
  ]),
  street: optional(z.array(z.string())),
  extension_attributes: optional(looseRecord),
});

export const orderItemSchema = z.looseObject({
  ...fieldsOf(optionalString, [
    "sku", "additional_data", "applied_rule_ids", "description", "ext_order_item_id", "name", "product_type", "weee_tax_applied",
  ]),
  ...fieldsOf(optionalInt, [
    "event_id", "free_shipping", "gw_id", "is_qty_decimal", "is_virtual", "item_id", "locked_do_invoice",
    "locked_do_ship", "no_discount", "order_id", "parent_item_id", "product_id", "quote_item_id", "store_id",
  ]),
  ...fieldsOf(optionalDecimal, [
    "qty_backordered", "qty_canceled", "qty_invoiced", "qty_ordered", "qty_refunded", "qty_returned", "qty_shipped",
    "discount_percent", "tax_percent", "row_weight", "weight",
  ]),
  ...fieldsOf(optionalMoney, [
    "amount_refunded", "base_amount_refunded", "base_cost", "base_discount_amount", "base_discount_invoiced",
    "base_discount_refunded", "base_discount_tax_compensation_amount", "base_discount_tax_compensation_invoiced",
    "base_discount_tax_compensation_refunded", "base_original_price", "base_price", "base_price_incl_tax",
    "base_row_invoiced", "base_row_total", "base_row_total_incl_tax", "base_tax_amount", "base_tax_before_discount",
    "base_tax_invoiced", "base_tax_refunded", "base_weee_tax_applied_amount", "base_weee_tax_applied_row_amnt",
    "base_weee_tax_disposition", "base_weee_tax_row_disposition", "discount_amount", "discount_invoiced",
    "discount_refunded", "gw_base_price", "gw_base_price_invoiced", "gw_base_price_refunded", "gw_base_tax_amount",
    "gw_base_tax_amount_invoiced", "gw_base_tax_amount_refunded", "gw_price", "gw_price_invoiced", "gw_price_refunded",
    "gw_tax_amount", "gw_tax_amount_invoiced", "gw_tax_amount_refunded", "discount_tax_compensation_amount",
    "discount_tax_compensation_canceled", "discount_tax_compensation_invoiced", "discount_tax_compensation_refunded",
    "original_price", "price", "price_incl_tax", "row_invoiced", "row_total", "row_total_incl_tax", "tax_amount",
    "tax_before_discount", "tax_canceled", "tax_invoiced", "tax_refunded", "weee_tax_applied_amount",
    "weee_tax_applied_row_amount", "weee_tax_disposition", "weee_tax_row_disposition",
  ]),
  created_at: optionalDateTime,
  updated_at: optionalDateTime,
  // The parent line also appears on its own in `items`; its nested copy is kept as it came.
  parent_item: optional(looseRecord),
  product_option: optional(looseRecord),
  extension_attributes: optional(looseRecord),
});

/** sales-data-order-payment-interface. `account_status`, `cc_last4` and `additional_information`
 * are listed as required but Magento sends null (official sample order_get_response.json). */
export const orderPaymentSchema = z.looseObject({
  method: optionalString,
  account_status: optionalString,
  cc_last4: optionalString,
  additional_information: optional(z.array(z.string())),
  ...fieldsOf(optionalString, [
    "additional_data", "address_status", "anet_trans_method", "cc_approval", "cc_avs_status", "cc_cid_status",
    "cc_debug_request_body", "cc_debug_response_body", "cc_debug_response_serialized", "cc_exp_month", "cc_exp_year",
    "cc_number_enc", "cc_owner", "cc_secure_verify", "cc_ss_issue", "cc_ss_start_month", "cc_ss_start_year",
    "cc_status", "cc_status_description", "cc_trans_id", "cc_type", "echeck_account_name", "echeck_account_type",
    "echeck_bank_name", "echeck_routing_number", "echeck_type", "last_trans_id", "po_number", "protection_eligibility",
  ]),
  ...fieldsOf(optionalMoney, [
    "amount_authorized", "amount_canceled", "amount_ordered", "amount_paid", "amount_refunded", "base_amount_authorized",
    "base_amount_canceled", "base_amount_ordered", "base_amount_paid", "base_amount_paid_online", "base_amount_refunded",
    "base_amount_refunded_online", "base_shipping_amount", "base_shipping_captured", "base_shipping_refunded",
    "shipping_amount", "shipping_captured", "shipping_refunded",
  ]),
  ...fieldsOf(optionalInt, ["entity_id", "parent_id", "quote_payment_id"]),
  extension_attributes: optional(looseRecord),
});

export const orderStatusHistorySchema = z.looseObject({
  comment: optionalString,
  created_at: optionalDateTime,
  entity_id: optionalInt,
  entity_name: optionalString,
  is_customer_notified: optionalInt,
  is_visible_on_front: optionalInt,
  parent_id: optionalInt,
  status: optionalString,
  extension_attributes: optional(looseRecord),
});

/** sales-data-total-interface: shipping totals of one shipping assignment. */
export const orderShippingTotalSchema = z.looseObject({
  ...fieldsOf(optionalMoney, [
    "base_shipping_amount", "base_shipping_canceled", "base_shipping_discount_amount",
    "base_shipping_discount_tax_compensation_amnt", "base_shipping_incl_tax", "base_shipping_invoiced",
    "base_shipping_refunded", "base_shipping_tax_amount", "base_shipping_tax_refunded", "shipping_amount",
    "shipping_canceled", "shipping_discount_amount", "shipping_discount_tax_compensation_amount", "shipping_incl_tax",
    "shipping_invoiced", "shipping_refunded", "shipping_tax_amount", "shipping_tax_refunded",
  ]),
  extension_attributes: optional(looseRecord),
});

/** sales-data-shipping-assignment-interface: where (address) and how (method) an order ships. */
export const orderShippingAssignmentSchema = z.looseObject({
  shipping: optional(z.looseObject({
    address: optional(orderAddressSchema),
    method: optionalString,
    total: optional(orderShippingTotalSchema),
    extension_attributes: optional(looseRecord),
  })),
  items: optional(z.array(orderItemSchema)),
  stock_id: optionalInt,
  extension_attributes: optional(looseRecord),
});

export const orderExtensionSchema = z.looseObject({
  shipping_assignments: optional(z.array(orderShippingAssignmentSchema)),
  payment_additional_info: optional(z.array(z.looseObject({ key: optionalString, value: optionalString }))),
});

export const orderSchema = z.looseObject({
  grand_total: money,
  items: z.array(orderItemSchema),
  ...fieldsOf(optionalString, [
    "applied_rule_ids", "base_currency_code", "coupon_code", "customer_email", "customer_firstname", "customer_lastname",
    "customer_middlename", "customer_note", "customer_prefix", "customer_suffix", "customer_taxvat",
    "discount_description", "ext_customer_id", "ext_order_id", "global_currency_code", "hold_before_state",
    "hold_before_status", "increment_id", "order_currency_code", "original_increment_id", "protect_code",
    "relation_child_id", "relation_child_real_id", "relation_parent_id", "relation_parent_real_id", "remote_ip",
    "shipping_description", "state", "status", "store_currency_code", "store_name", "x_forwarded_for",
    // Text as the order stored it (often "YYYY-MM-DD 00:00:00"), not an instant.
    "customer_dob",
  ]),
  ...fieldsOf(optionalInt, [
    "billing_address_id", "can_ship_partially", "can_ship_partially_item", "customer_gender", "customer_group_id",
    "customer_id", "customer_is_guest", "customer_note_notify", "edit_increment", "email_sent", "entity_id",
    "forced_shipment_with_invoice", "is_virtual", "payment_auth_expiration", "quote_address_id", "quote_id",
    "store_id", "total_item_count",
  ]),
  ...fieldsOf(optionalDecimal, [
    "base_total_qty_ordered", "total_qty_ordered", "base_to_global_rate", "base_to_order_rate", "store_to_base_rate",
    "store_to_order_rate", "weight",
  ]),
  ...fieldsOf(optionalMoney, [
    "adjustment_negative", "adjustment_positive", "base_adjustment_negative", "base_adjustment_positive",
    "base_discount_amount", "base_discount_canceled", "base_discount_invoiced", "base_discount_refunded",
    "base_discount_tax_compensation_amount", "base_discount_tax_compensation_invoiced",
    "base_discount_tax_compensation_refunded", "base_grand_total", "base_shipping_amount", "base_shipping_canceled",
    "base_shipping_discount_amount", "base_shipping_discount_tax_compensation_amnt", "base_shipping_incl_tax",
    "base_shipping_invoiced", "base_shipping_refunded", "base_shipping_tax_amount", "base_shipping_tax_refunded",
    "base_subtotal", "base_subtotal_canceled", "base_subtotal_incl_tax", "base_subtotal_invoiced",
    "base_subtotal_refunded", "base_tax_amount", "base_tax_canceled", "base_tax_invoiced", "base_tax_refunded",
    "base_total_canceled", "base_total_due", "base_total_invoiced", "base_total_invoiced_cost",
    "base_total_offline_refunded", "base_total_online_refunded", "base_total_paid", "base_total_refunded",
    "discount_amount", "discount_canceled", "discount_invoiced", "discount_refunded",
    "discount_tax_compensation_amount", "discount_tax_compensation_invoiced", "discount_tax_compensation_refunded",
    "payment_authorization_amount", "shipping_amount", "shipping_canceled", "shipping_discount_amount",
    "shipping_discount_tax_compensation_amount", "shipping_incl_tax", "shipping_invoiced", "shipping_refunded",
    "shipping_tax_amount", "shipping_tax_refunded", "subtotal", "subtotal_canceled", "subtotal_incl_tax",
    "subtotal_invoiced", "subtotal_refunded", "tax_amount", "tax_canceled", "tax_invoiced", "tax_refunded",
    "total_canceled", "total_due", "total_invoiced", "total_offline_refunded", "total_online_refunded", "total_paid",
    "total_refunded",
  ]),
  created_at: optional(dateTime),
  updated_at: optional(dateTime),
  billing_address: optional(orderAddressSchema),
  payment: optional(orderPaymentSchema),
  status_histories: optional(z.array(orderStatusHistorySchema)),
  extension_attributes: optional(orderExtensionSchema),
});

/**
 * An order's identity, links, paging timestamps, guest flag, currencies and the money shown,
 * including the base amounts and base_to_global_rate that global totals are made of (null is
 * allowed there, as a store may leave them out; a value that is not a number refuses the record).
 */
export const ORDER_STRICT_FIELDS: ReadonlySet<string> = new Set([
  "entity_id", "quote_id", "customer_id", "customer_is_guest", "store_id", "created_at", "updated_at",
  "grand_total", "base_grand_total", "subtotal", "tax_amount", "shipping_amount", "discount_amount", "total_paid",
  "total_refunded", "total_canceled", "total_due", "order_currency_code", "base_currency_code", "global_currency_code",
  "base_subtotal", "base_discount_amount", "base_shipping_amount", "base_tax_amount", "base_total_refunded",
  "base_total_canceled", "base_to_global_rate",
  "total_qty_ordered", "items", "items[].item_id", "items[].parent_item_id", "items[].qty_ordered",
  "items[].qty_invoiced", "items[].qty_shipped", "items[].qty_refunded", "items[].qty_canceled", "items[].price",
  "items[].base_price", "items[].row_total", "items[].tax_amount", "items[].discount_amount",
  "items[].base_row_total", "items[].base_discount_amount", "items[].base_tax_amount",
]);

export type MagentoOrderAddress = z.output<typeof orderAddressSchema>;
export type MagentoOrderItem = z.output<typeof orderItemSchema>;
export type MagentoOrderPayment = z.output<typeof orderPaymentSchema>;
export type MagentoOrderStatusHistory = z.output<typeof orderStatusHistorySchema>;
export type MagentoOrder = z.output<typeof orderSchema>;
