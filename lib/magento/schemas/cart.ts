import { z } from "zod";
import { customerSchema } from "./customer";
import { customAttributeSchema, dateTime, decimal, int, looseRecord, money, optional } from "./primitives";

// Carts (quotes) and checkout. Definitions: quote-data-cart-interface, quote-data-cart-item-interface,
// quote-data-address-interface, quote-data-currency-interface, quote-data-shipping-method-interface,
// quote-data-payment-method-interface, quote-data-payment-interface, quote-data-totals-interface,
// quote-data-totals-item-interface, quote-data-total-segment-interface,
// checkout-data-payment-details-interface.
// Where Magento sends null for a property the schema lists as required, the property is
// `optional` here with a note; everything else follows the definition. Search pages are read
// leniently (lib/magento/validate.ts): only CART_STRICT_FIELDS must be readable.

export const cartItemSchema = z.looseObject({
  item_id: optional(int),
  sku: optional(z.string()),
  qty: decimal,
  name: optional(z.string()),
  price: optional(money),
  product_type: optional(z.string()),
  /** A string in the schema ("4"), unlike the cart's integer id. */
  quote_id: optional(z.string()),
  product_option: optional(looseRecord),
  extension_attributes: optional(looseRecord),
});

/** A cart's address. A cart that has no address yet carries one with every "required" field
 * null (official sample cart_get_response_b2b.json), so those are optional here. */
export const cartAddressSchema = z.looseObject({
  id: optional(int),
  region: optional(z.string()),
  region_id: optional(int),
  region_code: optional(z.string()),
  country_id: optional(z.string()),
  street: optional(z.array(z.string())),
  company: optional(z.string()),
  telephone: optional(z.string()),
  fax: optional(z.string()),
  postcode: optional(z.string()),
  city: optional(z.string()),
  firstname: optional(z.string()),
  lastname: optional(z.string()),
  middlename: optional(z.string()),
  prefix: optional(z.string()),
  suffix: optional(z.string()),
  vat_id: optional(z.string()),
  customer_id: optional(int),
  email: optional(z.string()),
  same_as_billing: optional(int),
  customer_address_id: optional(int),
  save_in_address_book: optional(int),
  extension_attributes: optional(looseRecord),
  custom_attributes: optional(z.array(customAttributeSchema)),
});

export const cartCurrencySchema = z.looseObject({
  global_currency_code: optional(z.string()),
  base_currency_code: optional(z.string()),
  store_currency_code: optional(z.string()),
  quote_currency_code: optional(z.string()),
  store_to_base_rate: optional(decimal),
  store_to_quote_rate: optional(decimal),
  base_to_global_rate: optional(decimal),
  base_to_quote_rate: optional(decimal),
  extension_attributes: optional(looseRecord),
});

/** quote-data-shipping-assignment-interface; `shipping.method` is null until one is chosen. */
export const cartShippingAssignmentSchema = z.looseObject({
  shipping: optional(
    z.looseObject({
      address: optional(cartAddressSchema),
      method: optional(z.string()),
      extension_attributes: optional(looseRecord),
    }),
  ),
  // The cart's items again (the portal reads them from the cart): kept as they came.
  items: optional(z.array(looseRecord)),
  extension_attributes: optional(looseRecord),
});

/** quote-data-cart-extension-interface. The B2B `negotiable_quote` block is kept as it came
 * (Magento sends null in several of its "required" fields). */
export const cartExtensionSchema = z.looseObject({
  shipping_assignments: optional(z.array(cartShippingAssignmentSchema)),
  negotiable_quote: optional(looseRecord),
  company_id: optional(int),
  coupon_codes: optional(z.array(z.string())),
});

export const cartSchema = z.looseObject({
  id: int,
  created_at: optional(dateTime),
  updated_at: optional(dateTime),
  converted_at: optional(dateTime),
  is_active: optional(z.boolean()),
  is_virtual: optional(z.boolean()),
  items: optional(z.array(cartItemSchema)),
  items_count: optional(int),
  items_qty: optional(decimal),
  /** A guest cart has `{"email": null, "firstname": null, "lastname": null}` here, without id. */
  customer: optional(customerSchema),
  billing_address: optional(cartAddressSchema),
  reserved_order_id: optional(z.string()),
  orig_order_id: optional(int),
  currency: optional(cartCurrencySchema),
  customer_is_guest: optional(z.boolean()),
  customer_note: optional(z.string()),
  customer_note_notify: optional(z.boolean()),
  customer_tax_class_id: optional(int),
  store_id: int,
  extension_attributes: optional(cartExtensionSchema),
});

/** A cart's identity, store and customer links, paging timestamps, status flag and item money. */
export const CART_STRICT_FIELDS: ReadonlySet<string> = new Set([
  "id",
  "store_id",
  "created_at",
  "updated_at",
  "is_active",
  "customer.id",
  "customer_is_guest",
  "items[].item_id",
  "items[].qty",
  "items[].price",
  "items_qty",
  "currency.quote_currency_code",
  "currency.base_currency_code",
  "currency.global_currency_code",
  "currency.base_to_global_rate",
]);

export const shippingMethodSchema = z.looseObject({
  carrier_code: z.string(),
  method_code: z.string(),
  carrier_title: optional(z.string()),
  method_title: optional(z.string()),
  amount: money,
  base_amount: money,
  available: z.boolean(),
  extension_attributes: optional(looseRecord),
  error_message: z.string(),
  price_excl_tax: money,
  price_incl_tax: money,
});

export const paymentMethodSchema = z.looseObject({
  code: z.string(),
  title: z.string(),
});

/** quote-data-payment-interface: the cart's selected payment method. */
export const cartPaymentSchema = z.looseObject({
  po_number: optional(z.string()),
  method: z.string(),
  additional_data: optional(z.array(z.string())),
  extension_attributes: optional(looseRecord),
});

export const totalSegmentSchema = z.looseObject({
  code: z.string(),
  title: optional(z.string()),
  value: money,
  area: optional(z.string()),
  extension_attributes: optional(looseRecord),
});

/** quote-data-totals-item-interface; `weee_tax_applied*` are null when WEEE is off. */
export const totalsItemSchema = z.looseObject({
  item_id: int,
  price: money,
  base_price: money,
  qty: decimal,
  row_total: money,
  base_row_total: money,
  row_total_with_discount: optional(money),
  tax_amount: optional(money),
  base_tax_amount: optional(money),
  tax_percent: optional(decimal),
  discount_amount: optional(money),
  base_discount_amount: optional(money),
  discount_percent: optional(decimal),
  price_incl_tax: optional(money),
  base_price_incl_tax: optional(money),
  row_total_incl_tax: optional(money),
  base_row_total_incl_tax: optional(money),
  /** JSON text of the item's options, e.g. "[]". */
  options: optional(z.string()),
  weee_tax_applied_amount: optional(money),
  weee_tax_applied: optional(z.string()),
  extension_attributes: optional(looseRecord),
  name: optional(z.string()),
});

/** quote-data-totals-interface; `weee_tax_applied_amount` is null when WEEE is off. */
export const cartTotalsSchema = z.looseObject({
  grand_total: optional(money),
  base_grand_total: optional(money),
  subtotal: optional(money),
  base_subtotal: optional(money),
  discount_amount: optional(money),
  base_discount_amount: optional(money),
  subtotal_with_discount: optional(money),
  base_subtotal_with_discount: optional(money),
  shipping_amount: optional(money),
  base_shipping_amount: optional(money),
  shipping_discount_amount: optional(money),
  base_shipping_discount_amount: optional(money),
  tax_amount: optional(money),
  base_tax_amount: optional(money),
  weee_tax_applied_amount: optional(money),
  shipping_tax_amount: optional(money),
  base_shipping_tax_amount: optional(money),
  subtotal_incl_tax: optional(money),
  base_subtotal_incl_tax: optional(money),
  shipping_incl_tax: optional(money),
  base_shipping_incl_tax: optional(money),
  base_currency_code: optional(z.string()),
  quote_currency_code: optional(z.string()),
  coupon_code: optional(z.string()),
  items_qty: optional(int),
  items: optional(z.array(totalsItemSchema)),
  total_segments: optional(z.array(totalSegmentSchema)),
  extension_attributes: optional(looseRecord),
});

/** checkout-data-payment-details-interface: the answer to shipping-information. */
export const paymentDetailsSchema = z.looseObject({
  payment_methods: z.array(paymentMethodSchema),
  totals: cartTotalsSchema,
  extension_attributes: optional(looseRecord),
});

export type MagentoCartItem = z.output<typeof cartItemSchema>;
export type MagentoCartAddress = z.output<typeof cartAddressSchema>;
export type MagentoCart = z.output<typeof cartSchema>;
export type MagentoShippingMethod = z.output<typeof shippingMethodSchema>;
export type MagentoPaymentMethod = z.output<typeof paymentMethodSchema>;
export type MagentoCartPayment = z.output<typeof cartPaymentSchema>;
export type MagentoCartTotals = z.output<typeof cartTotalsSchema>;
export type MagentoPaymentDetails = z.output<typeof paymentDetailsSchema>;

/** A cart address as a request sends it (estimate-shipping-methods, shipping-information).
 * The definition requires these; the rest is optional. */
export interface CartAddressInput {
  region: string;
  region_id: number;
  region_code: string;
  country_id: string;
  street: string[];
  telephone: string;
  postcode: string;
  city: string;
  firstname: string;
  lastname: string;
  email: string;
  company?: string;
  customer_id?: number;
  customer_address_id?: number;
  same_as_billing?: number;
  save_in_address_book?: number;
  [extra: string]: unknown;
}

/** checkout-data-shipping-information-interface as sent. */
export interface ShippingInformationInput {
  shipping_address: CartAddressInput;
  billing_address?: CartAddressInput;
  shipping_method_code: string;
  shipping_carrier_code: string;
  extension_attributes?: Record<string, unknown>;
  custom_attributes?: { attribute_code: string; value: unknown }[];
}

/** quote-data-payment-interface as sent. */
export interface PaymentMethodInput {
  method: string;
  po_number?: string;
  additional_data?: string[];
  extension_attributes?: Record<string, unknown>;
}
