// Turns internal records into the JSON shapes of the official schema (admin-schema-2.4.9).
// Like Magento's DataObjectProcessor, an optional property whose value is null is left out,
// while a required one is sent even when null (payment.account_status, cc_last4 …).
// Two shapes: by default the nulls real Magento 2.4 sends in required properties (region-less
// addresses, guest cart customers, empty cart addresses, credit memo base_cost, weee, stock
// low_stock_date); with `strict` (the simulator's strictSchema) every required property carries a
// value of its schema type instead ("" or 0), for tests that hold the schema to the letter.
import {
  COUNTRIES,
  EUR_RATE,
  GLOBAL_CURRENCY,
  PAYMENT_METHODS,
  STORE_GROUPS,
  STORE_VIEWS,
  WEBSITES,
  ADMIN_STORE,
  viewCurrencies,
  type StoreView,
} from "./data";
import { cartTotals, convert, orderTotals, shippingRate, taxRateFor } from "./pricing";
import type { Cart, CartItem, ChosenChild, Creditmemo, Customer, Json, Order, OrderItem, PostalAddress, Product } from "./types";
import { money } from "./util";

/** Copies `columns` without null/undefined values, except a null in a `required` property. */
export function dropNulls(columns: Json, required?: readonly string[]): Json {
  const out: Json = {};
  for (const k in columns) {
    if (!Object.hasOwn(columns, k)) continue;
    const v = columns[k];
    if (v !== null && v !== undefined) out[k] = v;
    else if (v === null && required?.includes(k)) out[k] = null;
  }
  return out;
}

export function storeView(storeId: number): StoreView {
  return STORE_VIEWS.find((s) => s.id === storeId) ?? STORE_VIEWS[0]!;
}

export function storeName(storeId: number): string {
  const view = storeView(storeId);
  const website = WEBSITES.find((w) => w.id === view.websiteId)!;
  const group = STORE_GROUPS.find((g) => g.id === view.groupId)!;
  return `${website.name}\n${group.name}\n${view.name}`;
}

// ---------------------------------------------------------------- stores, directory, groups

export function renderWebsites(): Json[] {
  return WEBSITES.map((w) => ({ ...w }));
}

export function renderStoreViews(): Json[] {
  return [
    { ...ADMIN_STORE },
    ...STORE_VIEWS.map((s) => ({ id: s.id, code: s.code, name: s.name, website_id: s.websiteId, store_group_id: s.groupId, is_active: 1 })),
  ];
}

export function renderStoreGroups(): Json[] {
  return STORE_GROUPS.map((g) => ({ ...g }));
}

export function renderStoreConfig(view: StoreView, baseUrl: string): Json {
  const root = `${baseUrl.replace(/\/$/, "")}/`;
  const link = view.code === "default" ? root : `${root}${view.code}/`;
  return {
    id: view.id,
    code: view.code,
    website_id: view.websiteId,
    locale: view.locale,
    base_currency_code: viewCurrencies(view.id).base,
    default_display_currency_code: view.currency,
    timezone: view.timezone,
    weight_unit: "lbs",
    base_url: root,
    base_link_url: link,
    base_static_url: `${root}static/version1700000000/`,
    base_media_url: `${root}media/`,
    secure_base_url: root,
    secure_base_link_url: link,
    secure_base_static_url: `${root}static/version1700000000/`,
    secure_base_media_url: `${root}media/`,
  };
}

export function renderCountry(countryId: string, locale: string): Json | undefined {
  const c = COUNTRIES.find((x) => x.id === countryId);
  if (!c) return undefined;
  const localName = locale.startsWith("fr") ? c.fr : locale.startsWith("de") ? c.de : c.name;
  const out: Json = {
    id: c.id,
    two_letter_abbreviation: c.id,
    three_letter_abbreviation: c.iso3,
    full_name_locale: localName,
    full_name_english: c.name,
  };
  if (c.regions) out.available_regions = c.regions.map((r) => ({ id: String(r.id), code: r.code, name: r.name }));
  return out;
}

// ---------------------------------------------------------------- catalogue

export function productColumns(p: Product): Json {
  const configurable = p.type === "configurable";
  return {
    id: p.id,
    entity_id: p.id,
    sku: p.sku,
    name: p.name,
    attribute_set_id: 4,
    // A configurable parent has no price of its own (its children carry it): Magento sends 0.
    price: configurable ? 0 : money(p.priceCents),
    status: 1,
    // Children of a configurable are "Not Visible Individually" (1); they are sold through the parent.
    visibility: p.parentId !== undefined ? 1 : 4,
    type_id: configurable ? "configurable" : "simple",
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    weight: p.weight,
  };
}

/** `inStock` overrides the product's own stock (a configurable parent is in stock through a child). */
export function renderStockItem(p: Product, strict = false, inStock?: boolean): Json {
  return {
    item_id: p.id,
    product_id: p.id,
    stock_id: 1,
    qty: p.qty,
    is_in_stock: inStock ?? p.qty > 0,
    is_qty_decimal: false,
    show_default_notification_message: false,
    use_config_min_qty: true,
    min_qty: 0,
    use_config_min_sale_qty: 1,
    min_sale_qty: 1,
    use_config_max_sale_qty: true,
    max_sale_qty: 10000,
    use_config_backorders: true,
    backorders: 0,
    use_config_notify_stock_qty: true,
    notify_stock_qty: 1,
    use_config_qty_increments: true,
    qty_increments: 0,
    use_config_enable_qty_inc: true,
    enable_qty_increments: false,
    use_config_manage_stock: true,
    manage_stock: true,
    // Magento sends null until the item first runs low (the schema lists it as a required string).
    low_stock_date: p.qty > 0 || p.type === "configurable" ? (strict ? "" : null) : p.updatedAt,
    is_decimal_divided: false,
    stock_status_changed_auto: 0,
  };
}

/** GET /V1/products/{sku}; `children` are a configurable parent's simple products. */
export function renderProduct(p: Product, strict = false, children: Product[] = []): Json {
  const kindCategory = 10 + p.kind;
  const configurable = p.type === "configurable";
  const extension: Json = {
    website_ids: [1, 2],
    category_links: [{ position: 0, category_id: String(kindCategory) }],
    stock_item: renderStockItem(p, strict, configurable ? children.some((c) => c.qty > 0) : undefined),
  };
  if (configurable) {
    const attributes = new Map<number, { code: string; label: string; values: Set<number> }>();
    for (const child of children) {
      for (const o of child.options ?? []) {
        const a = attributes.get(o.attributeId) ?? { code: o.attributeCode, label: o.label, values: new Set<number>() };
        a.values.add(o.valueIndex);
        attributes.set(o.attributeId, a);
      }
    }
    extension.configurable_product_options = [...attributes].map(([attributeId, a], position) => ({
      id: p.id * 10 + position,
      attribute_id: String(attributeId),
      label: a.label,
      position,
      values: [...a.values].map((value_index) => ({ value_index })),
      product_id: p.id,
    }));
    extension.configurable_product_links = children.map((c) => c.id);
  }
  const customAttributes: Json[] = [
    { attribute_code: "url_key", value: p.name.toLowerCase().replace(/[^a-z0-9]+/g, "-") + "-" + p.sku.toLowerCase() },
    { attribute_code: "tax_class_id", value: "2" },
    { attribute_code: "category_ids", value: String(kindCategory) },
  ];
  if (typeof p.costCents === "number") customAttributes.push({ attribute_code: "cost", value: money(p.costCents).toFixed(2) });
  customAttributes.push({ attribute_code: "options_container", value: "container2" });
  for (const o of p.options ?? []) customAttributes.push({ attribute_code: o.attributeCode, value: String(o.valueIndex) });
  return {
    ...productColumns(p),
    entity_id: undefined,
    extension_attributes: extension,
    product_links: [],
    options: [],
    media_gallery_entries: [],
    tier_prices: [],
    custom_attributes: customAttributes,
  };
}

// ---------------------------------------------------------------- customers

export function customerColumns(c: Customer): Json {
  return {
    id: c.id,
    entity_id: c.id,
    group_id: c.group_id,
    default_billing: c.default_billing ?? null,
    default_shipping: c.default_shipping ?? null,
    confirmation: (c.confirmation as string | undefined) ?? null,
    created_at: c.created_at,
    updated_at: c.updated_at,
    created_in: c.created_in,
    dob: c.dob ?? null,
    email: c.email,
    firstname: c.firstname,
    lastname: c.lastname,
    middlename: c.middlename ?? null,
    prefix: c.prefix ?? null,
    suffix: c.suffix ?? null,
    gender: c.gender ?? null,
    store_id: c.store_id,
    taxvat: c.taxvat ?? null,
    website_id: c.website_id,
    disable_auto_group_change: c.disable_auto_group_change,
  };
}

export function renderCustomer(c: Customer, strict = false): Json {
  const out = structuredClone(c) as Json;
  if (strict) for (const a of out.addresses as Json[]) renderCustomerAddressInPlace(a, true);
  return out;
}

/** GET /V1/customers/addresses/{id}: the stored address, region texts "" instead of null when strict. */
export function renderCustomerAddress(a: Json, strict = false): Json {
  return renderCustomerAddressInPlace(structuredClone(a), strict);
}

function renderCustomerAddressInPlace(a: Json, strict: boolean): Json {
  const region = a.region as Json | undefined;
  if (strict && region) {
    region.region_code ??= "";
    region.region ??= "";
  }
  return a;
}

// ---------------------------------------------------------------- orders

function orderAddress(a: PostalAddress, type: "billing" | "shipping", order: Order, strict: boolean): Json {
  const out = dropNulls({
    address_type: type,
    city: a.city,
    company: a.company ?? null,
    country_id: a.countryId,
    customer_address_id: a.customerAddressId ?? null,
    customer_id: order.customerId,
    email: a.email,
    entity_id: type === "shipping" ? order.entityId * 2 - 1 : order.entityId * 2,
    firstname: a.firstname,
    lastname: a.lastname,
    parent_id: order.entityId,
    postcode: a.postcode,
    region: a.region || null,
    region_code: a.regionCode || null,
    region_id: a.regionId || null,
    street: a.street,
    telephone: a.telephone,
  });
  // A country without regions: Magento's order address has region null (no code, no id).
  if (!strict && !a.region) return { ...out, region: null };
  return out;
}

type ItemRefunds = Map<number, { row: number; tax: number; discount: number; baseRow: number; baseTax: number; baseDiscount: number }>;

/** An order's items as Magento lists them: each configurable line as its parent, then its child. */
function orderItems(order: Order, refunds: ItemRefunds): Json[] {
  const out: Json[] = [];
  for (const line of order.items) {
    const parent = orderItem(order, line, refunds);
    out.push(parent);
    if (line.child) out.push(childOrderItem(order, line, line.child, parent));
  }
  return out;
}

/** The option values a configurable line was bought with (catalog/quote product option shape). */
function configurableOption(child: ChosenChild): Json {
  return {
    extension_attributes: {
      configurable_item_options: child.options.map((o) => ({ option_id: String(o.attributeId), option_value: o.valueIndex })),
    },
  };
}

/**
 * The hidden child of a configurable order line: Magento's simple item with parent_item_id and a
 * copy of its parent, quantities as the parent's, every amount 0 (the parent carries them).
 */
function childOrderItem(order: Order, line: OrderItem, child: ChosenChild & { itemId: number }, parent: Json): Json {
  return {
    amount_refunded: 0,
    base_amount_refunded: 0,
    base_discount_amount: 0,
    base_discount_invoiced: 0,
    base_discount_tax_compensation_amount: 0,
    base_original_price: 0,
    base_price: 0,
    base_price_incl_tax: 0,
    base_row_invoiced: 0,
    base_row_total: 0,
    base_row_total_incl_tax: 0,
    base_tax_amount: 0,
    base_tax_invoiced: 0,
    created_at: order.createdAt,
    discount_amount: 0,
    discount_invoiced: 0,
    discount_percent: 0,
    free_shipping: 0,
    discount_tax_compensation_amount: 0,
    is_qty_decimal: 0,
    is_virtual: 0,
    item_id: child.itemId,
    name: child.name,
    no_discount: 0,
    order_id: order.entityId,
    original_price: 0,
    parent_item_id: line.itemId,
    price: 0,
    price_incl_tax: 0,
    product_id: child.productId,
    product_type: "simple",
    qty_canceled: line.qtyCanceled,
    qty_invoiced: line.qtyInvoiced,
    qty_ordered: line.qty,
    qty_refunded: line.qtyRefunded,
    qty_shipped: line.qtyShipped,
    row_invoiced: 0,
    row_total: 0,
    row_total_incl_tax: 0,
    row_weight: 0,
    sku: child.sku,
    store_id: order.storeId,
    tax_amount: 0,
    tax_invoiced: 0,
    tax_percent: 0,
    updated_at: order.updatedAt,
    weight: line.weight,
    parent_item: structuredClone(parent),
  };
}

function orderItem(order: Order, i: OrderItem, refunds: ItemRefunds): Json {
  const row = i.price * i.qty;
  const baseRow = i.basePrice * i.qty;
  const priceInclTax = i.price + Math.round(i.tax / i.qty || 0);
  const basePriceInclTax = i.basePrice + Math.round(i.baseTax / i.qty || 0);
  const refunded = refunds.get(i.itemId);
  const invoicedShare = i.qtyInvoiced === i.qty;
  return dropNulls({
    amount_refunded: money(refunded?.row ?? 0),
    applied_rule_ids: order.appliedRuleIds ?? null,
    base_amount_refunded: money(refunded?.baseRow ?? 0),
    base_cost: typeof i.cost === "number" ? money(i.cost) : null,
    base_discount_amount: money(i.baseDiscount),
    base_discount_invoiced: money(invoicedShare ? i.baseDiscount : 0),
    base_discount_refunded: refunded ? money(refunded.baseDiscount) : null,
    base_discount_tax_compensation_amount: 0,
    base_original_price: money(i.basePrice),
    base_price: money(i.basePrice),
    base_price_incl_tax: money(basePriceInclTax),
    base_row_invoiced: money(invoicedShare ? baseRow : 0),
    base_row_total: money(baseRow),
    base_row_total_incl_tax: money(baseRow + i.baseTax),
    base_tax_amount: money(i.baseTax),
    base_tax_invoiced: money(invoicedShare ? i.baseTax : 0),
    base_tax_refunded: refunded ? money(refunded.baseTax) : null,
    created_at: order.createdAt,
    discount_amount: money(i.discount),
    discount_invoiced: money(invoicedShare ? i.discount : 0),
    discount_percent: i.discountPercent,
    discount_refunded: refunded ? money(refunded.discount) : null,
    free_shipping: 0,
    discount_tax_compensation_amount: 0,
    is_qty_decimal: 0,
    is_virtual: 0,
    item_id: i.itemId,
    name: i.name,
    no_discount: 0,
    order_id: order.entityId,
    original_price: money(i.price),
    price: money(i.price),
    price_incl_tax: money(priceInclTax),
    product_id: i.productId,
    product_option: i.child ? configurableOption(i.child) : null,
    product_type: i.child ? "configurable" : "simple",
    qty_canceled: i.qtyCanceled,
    qty_invoiced: i.qtyInvoiced,
    qty_ordered: i.qty,
    qty_refunded: i.qtyRefunded,
    qty_shipped: i.qtyShipped,
    quote_item_id: i.quoteItemId,
    row_invoiced: money(invoicedShare ? row : 0),
    row_total: money(row),
    row_total_incl_tax: money(row + i.tax),
    row_weight: i.weight * i.qty,
    sku: i.sku,
    store_id: order.storeId,
    tax_amount: money(i.tax),
    tax_invoiced: money(invoicedShare ? i.tax : 0),
    tax_percent: i.taxRate / 100,
    tax_refunded: refunded ? money(refunded.tax) : null,
    updated_at: order.updatedAt,
    weight: i.weight,
  });
}

type MemoLookup = (id: number) => Creditmemo | undefined;

/** Sums of the order's credit memos (cents). */
export function refundSums(order: Order, memo: MemoLookup) {
  const sums = {
    subtotal: 0,
    baseSubtotal: 0,
    tax: 0,
    baseTax: 0,
    discount: 0,
    baseDiscount: 0,
    shipping: 0,
    baseShipping: 0,
    adjPos: 0,
    baseAdjPos: 0,
    adjNeg: 0,
    baseAdjNeg: 0,
    grand: 0,
    baseGrand: 0,
  };
  const perItem = new Map<number, { row: number; tax: number; discount: number; baseRow: number; baseTax: number; baseDiscount: number }>();
  for (const id of order.creditmemoIds) {
    const m = memo(id);
    if (!m) continue;
    const t = memoTotals(m);
    sums.subtotal += t.subtotal;
    sums.baseSubtotal += t.baseSubtotal;
    sums.tax += t.tax;
    sums.baseTax += t.baseTax;
    sums.discount += t.discount;
    sums.baseDiscount += t.baseDiscount;
    sums.shipping += m.shipping;
    sums.baseShipping += m.baseShipping;
    sums.adjPos += m.adjustmentPositive;
    sums.baseAdjPos += m.baseAdjustmentPositive;
    sums.adjNeg += m.adjustmentNegative;
    sums.baseAdjNeg += m.baseAdjustmentNegative;
    sums.grand += t.grand;
    sums.baseGrand += t.baseGrand;
    m.items.forEach((it, idx) => {
      const line = m.lines[idx]!;
      const acc = perItem.get(it.orderItemId) ?? { row: 0, tax: 0, discount: 0, baseRow: 0, baseTax: 0, baseDiscount: 0 };
      acc.row += line.row;
      acc.tax += line.tax;
      acc.discount += line.discount;
      acc.baseRow += line.baseRow;
      acc.baseTax += line.baseTax;
      acc.baseDiscount += line.baseDiscount;
      perItem.set(it.orderItemId, acc);
    });
  }
  return { sums, perItem };
}

/** Flat top-level columns of an order (what searchCriteria filters and sorts on). */
export function orderColumns(o: Order, memo: MemoLookup): Json {
  const t = orderTotals(o);
  const { sums } = refundSums(o, memo);
  const refunded = o.creditmemoIds.length > 0;
  const paid = o.invoiced ? t.grand : 0;
  const basePaid = o.invoiced ? t.baseGrand : 0;
  const currencies = viewCurrencies(o.storeId);
  return {
    adjustment_negative: refunded ? money(sums.adjNeg) : null,
    adjustment_positive: refunded ? money(sums.adjPos) : null,
    applied_rule_ids: o.appliedRuleIds ?? null,
    base_adjustment_negative: refunded ? money(sums.baseAdjNeg) : null,
    base_adjustment_positive: refunded ? money(sums.baseAdjPos) : null,
    base_currency_code: currencies.base,
    base_discount_amount: money(-t.baseDiscount),
    base_discount_canceled: o.canceled ? money(t.baseDiscount) : null,
    base_discount_invoiced: o.invoiced ? money(-t.baseDiscount) : null,
    base_discount_refunded: refunded ? money(-sums.baseDiscount) : null,
    base_grand_total: money(t.baseGrand),
    base_discount_tax_compensation_amount: 0,
    base_shipping_amount: money(t.baseShipping),
    base_shipping_canceled: o.canceled ? money(t.baseShipping) : null,
    base_shipping_discount_amount: 0,
    base_shipping_incl_tax: money(t.baseShipping),
    base_shipping_invoiced: o.invoiced ? money(t.baseShipping) : null,
    base_shipping_refunded: refunded ? money(sums.baseShipping) : null,
    base_shipping_tax_amount: 0,
    base_subtotal: money(t.baseSubtotal),
    base_subtotal_canceled: o.canceled ? money(t.baseSubtotal) : null,
    base_subtotal_incl_tax: money(t.baseSubtotal + t.baseTax),
    base_subtotal_invoiced: o.invoiced ? money(t.baseSubtotal) : null,
    base_subtotal_refunded: refunded ? money(sums.baseSubtotal) : null,
    base_tax_amount: money(t.baseTax),
    base_tax_canceled: o.canceled ? money(t.baseTax) : null,
    base_tax_invoiced: o.invoiced ? money(t.baseTax) : null,
    base_tax_refunded: refunded ? money(sums.baseTax) : null,
    base_total_canceled: o.canceled ? money(t.baseGrand) : null,
    base_total_due: money(o.canceled ? 0 : t.baseGrand - basePaid),
    base_total_invoiced: o.invoiced ? money(t.baseGrand) : null,
    base_total_invoiced_cost: o.invoiced ? 0 : null,
    base_total_offline_refunded: refunded ? money(sums.baseGrand) : null,
    base_total_paid: o.invoiced ? money(basePaid) : null,
    base_total_qty_ordered: null,
    base_total_refunded: refunded ? money(sums.baseGrand) : null,
    base_to_global_rate: currencies.toGlobal,
    base_to_order_rate: o.rate,
    billing_address_id: o.entityId * 2,
    coupon_code: o.couponCode ?? null,
    created_at: o.createdAt,
    customer_dob: o.dob ? `${o.dob} 00:00:00` : null,
    customer_email: o.email,
    customer_firstname: o.firstname,
    customer_gender: o.gender ?? null,
    customer_group_id: o.groupId,
    customer_id: o.customerId,
    customer_is_guest: o.isGuest ? 1 : 0,
    customer_lastname: o.lastname,
    customer_middlename: null,
    customer_note: o.customerNote ?? null,
    customer_note_notify: 1,
    customer_prefix: null,
    customer_suffix: null,
    customer_taxvat: null,
    discount_amount: money(-t.discount),
    discount_canceled: o.canceled ? money(t.discount) : null,
    discount_description: o.couponCode ?? null,
    discount_invoiced: o.invoiced ? money(-t.discount) : null,
    discount_refunded: refunded ? money(-sums.discount) : null,
    email_sent: 1,
    entity_id: o.entityId,
    ext_order_id: null,
    global_currency_code: GLOBAL_CURRENCY,
    grand_total: money(t.grand),
    discount_tax_compensation_amount: 0,
    hold_before_state: o.holdBeforeState ?? null,
    hold_before_status: o.holdBeforeStatus ?? null,
    increment_id: o.incrementId,
    is_virtual: 0,
    order_currency_code: o.currency,
    protect_code: o.protectCode,
    quote_id: o.quoteId,
    remote_ip: o.remoteIp,
    shipping_amount: money(t.shipping),
    shipping_canceled: o.canceled ? money(t.shipping) : null,
    shipping_description: o.shippingDescription,
    shipping_discount_amount: 0,
    shipping_discount_tax_compensation_amount: 0,
    shipping_incl_tax: money(t.shipping),
    shipping_invoiced: o.invoiced ? money(t.shipping) : null,
    shipping_refunded: refunded ? money(sums.shipping) : null,
    shipping_tax_amount: 0,
    shipping_tax_refunded: refunded ? 0 : null,
    state: o.state,
    status: o.status,
    store_currency_code: currencies.base,
    store_id: o.storeId,
    store_name: storeName(o.storeId),
    store_to_base_rate: 0,
    store_to_order_rate: 0,
    subtotal: money(t.subtotal),
    subtotal_canceled: o.canceled ? money(t.subtotal) : null,
    subtotal_incl_tax: money(t.subtotal + t.tax),
    subtotal_invoiced: o.invoiced ? money(t.subtotal) : null,
    subtotal_refunded: refunded ? money(sums.subtotal) : null,
    tax_amount: money(t.tax),
    tax_canceled: o.canceled ? money(t.tax) : null,
    tax_invoiced: o.invoiced ? money(t.tax) : null,
    tax_refunded: refunded ? money(sums.tax) : null,
    total_canceled: o.canceled ? money(t.grand) : null,
    total_due: money(o.canceled ? 0 : t.grand - paid),
    total_invoiced: o.invoiced ? money(t.grand) : null,
    total_item_count: o.items.length,
    total_offline_refunded: refunded ? money(sums.grand) : null,
    total_online_refunded: null,
    total_paid: o.invoiced ? money(paid) : null,
    total_qty_ordered: t.qty,
    total_refunded: refunded ? money(sums.grand) : null,
    updated_at: o.updatedAt,
    weight: t.weight,
    x_forwarded_for: null,
  };
}

export function renderOrder(o: Order, memo: MemoLookup, strict = false): Json {
  const header = dropNulls(o.header ?? orderColumns(o, memo));
  const t = orderTotals(o);
  const { sums, perItem } = refundSums(o, memo);
  const items = orderItems(o, perItem);
  const title = PAYMENT_METHODS[o.paymentMethod] ?? o.paymentMethod;
  const payment: Json = dropNulls({
    account_status: null,
    additional_information: [title, ""],
    amount_ordered: money(t.grand),
    amount_paid: o.invoiced ? money(t.grand) : null,
    amount_refunded: o.creditmemoIds.length ? money(sums.grand) : null,
    amount_canceled: o.canceled ? money(t.grand) : null,
    base_amount_ordered: money(t.baseGrand),
    base_amount_paid: o.invoiced ? money(t.baseGrand) : null,
    base_amount_refunded: o.creditmemoIds.length ? money(sums.baseGrand) : null,
    base_amount_canceled: o.canceled ? money(t.baseGrand) : null,
    base_shipping_amount: money(t.baseShipping),
    base_shipping_captured: o.invoiced ? money(t.baseShipping) : null,
    base_shipping_refunded: o.creditmemoIds.length ? money(sums.baseShipping) : null,
    cc_last4: null,
    entity_id: o.entityId,
    method: o.paymentMethod,
    parent_id: o.entityId,
    po_number: o.poNumber ?? null,
    shipping_amount: money(t.shipping),
    shipping_captured: o.invoiced ? money(t.shipping) : null,
    shipping_refunded: o.creditmemoIds.length ? money(sums.shipping) : null,
  });
  // Required by the schema, null on every offline payment Magento makes.
  payment.account_status = strict ? "" : null;
  payment.cc_last4 = strict ? "" : null;
  const appliedTaxes: Json[] = [];
  if (t.tax > 0) {
    const rate = o.items[0]?.taxRate ?? 0;
    const code = `${o.shippingAddress.countryId}-${o.shippingAddress.regionCode || "*"}-Rate 1`;
    appliedTaxes.push({ code, title: code, percent: rate / 100, amount: money(t.tax), base_amount: money(t.baseTax) });
  }
  return {
    ...header,
    items,
    billing_address: orderAddress(o.billingAddress, "billing", o, strict),
    payment,
    status_histories: o.history
      .map((h, idx) => ({
        comment: h.comment,
        created_at: h.createdAt,
        entity_id: o.entityId * 10 + idx,
        entity_name: "order",
        is_customer_notified: h.notified,
        is_visible_on_front: h.visible,
        parent_id: o.entityId,
        status: h.status,
      }))
      .reverse(),
    extension_attributes: {
      shipping_assignments: [
        {
          shipping: {
            address: orderAddress(o.shippingAddress, "shipping", o, strict),
            method: o.shippingMethod,
            total: {
              base_shipping_amount: money(t.baseShipping),
              base_shipping_discount_amount: 0,
              base_shipping_discount_tax_compensation_amnt: 0,
              base_shipping_incl_tax: money(t.baseShipping),
              base_shipping_invoiced: o.invoiced ? money(t.baseShipping) : undefined,
              base_shipping_refunded: o.creditmemoIds.length ? money(sums.baseShipping) : undefined,
              base_shipping_tax_amount: 0,
              shipping_amount: money(t.shipping),
              shipping_discount_amount: 0,
              shipping_discount_tax_compensation_amount: 0,
              shipping_incl_tax: money(t.shipping),
              shipping_invoiced: o.invoiced ? money(t.shipping) : undefined,
              shipping_refunded: o.creditmemoIds.length ? money(sums.shipping) : undefined,
              shipping_tax_amount: 0,
            },
          },
          items,
        },
      ],
      payment_additional_info: [{ key: "method_title", value: title }],
      applied_taxes: appliedTaxes,
      item_applied_taxes: [],
      converting_from_quote: false,
    },
  };
}

// ---------------------------------------------------------------- credit memos

export function memoTotals(m: Creditmemo) {
  let subtotal = 0,
    baseSubtotal = 0,
    tax = 0,
    baseTax = 0,
    discount = 0,
    baseDiscount = 0;
  for (const l of m.lines) {
    subtotal += l.row;
    baseSubtotal += l.baseRow;
    tax += l.tax;
    baseTax += l.baseTax;
    discount += l.discount;
    baseDiscount += l.baseDiscount;
  }
  return {
    subtotal,
    baseSubtotal,
    tax,
    baseTax,
    discount,
    baseDiscount,
    grand: subtotal + m.shipping + tax - discount + m.adjustmentPositive - m.adjustmentNegative,
    baseGrand: baseSubtotal + m.baseShipping + baseTax - baseDiscount + m.baseAdjustmentPositive - m.baseAdjustmentNegative,
  };
}

export function memoColumns(m: Creditmemo, order: Order | undefined): Json {
  const t = memoTotals(m);
  const currencies = viewCurrencies(m.storeId);
  const currency = order?.currency ?? currencies.order;
  return {
    adjustment: money(m.adjustmentPositive - m.adjustmentNegative),
    adjustment_negative: money(m.adjustmentNegative),
    adjustment_positive: money(m.adjustmentPositive),
    base_adjustment: money(m.baseAdjustmentPositive - m.baseAdjustmentNegative),
    base_adjustment_negative: money(m.baseAdjustmentNegative),
    base_adjustment_positive: money(m.baseAdjustmentPositive),
    base_currency_code: currencies.base,
    base_discount_amount: money(-t.baseDiscount),
    base_grand_total: money(t.baseGrand),
    base_discount_tax_compensation_amount: 0,
    base_shipping_amount: money(m.baseShipping),
    base_shipping_incl_tax: money(m.baseShipping),
    base_shipping_tax_amount: 0,
    base_subtotal: money(t.baseSubtotal),
    base_subtotal_incl_tax: money(t.baseSubtotal + t.baseTax),
    base_tax_amount: money(t.baseTax),
    base_to_global_rate: currencies.toGlobal,
    base_to_order_rate: order?.rate ?? currencies.orderRate,
    billing_address_id: m.orderId * 2,
    created_at: m.createdAt,
    creditmemo_status: null,
    discount_amount: money(-t.discount),
    discount_description: order?.couponCode ?? null,
    email_sent: null,
    entity_id: m.entityId,
    global_currency_code: GLOBAL_CURRENCY,
    grand_total: money(t.grand),
    discount_tax_compensation_amount: 0,
    increment_id: m.incrementId,
    invoice_id: m.orderId,
    order_currency_code: currency,
    order_id: m.orderId,
    shipping_address_id: m.orderId * 2 - 1,
    shipping_amount: money(m.shipping),
    shipping_discount_tax_compensation_amount: 0,
    shipping_incl_tax: money(m.shipping),
    shipping_tax_amount: 0,
    state: 2,
    store_currency_code: currencies.base,
    store_id: m.storeId,
    store_to_base_rate: 0,
    store_to_order_rate: 0,
    subtotal: money(t.subtotal),
    subtotal_incl_tax: money(t.subtotal + t.tax),
    tax_amount: money(t.tax),
    transaction_id: null,
    updated_at: m.updatedAt,
  };
}

export function renderMemo(m: Creditmemo, order: Order | undefined, strict = false): Json {
  const header = dropNulls(m.header ?? memoColumns(m, order));
  // base_cost is required but Magento sends null when the product has no cost attribute.
  const baseCost = (cost: number | null | undefined) => (cost === null || cost === undefined ? (strict ? 0 : null) : money(cost));
  const items = m.items.flatMap((it, idx) => {
    const line = m.lines[idx]!;
    const oi = order?.items.find((x) => x.itemId === it.orderItemId);
    const item = dropNulls(
      {
        additional_data: null,
        base_cost: baseCost(oi?.cost),
        base_discount_amount: money(line.baseDiscount),
        base_discount_tax_compensation_amount: 0,
        base_price: money(oi?.basePrice ?? 0),
        base_price_incl_tax: money((oi?.basePrice ?? 0) + Math.round(line.baseTax / it.qty)),
        base_row_total: money(line.baseRow),
        base_row_total_incl_tax: money(line.baseRow + line.baseTax),
        base_tax_amount: money(line.baseTax),
        discount_amount: money(line.discount),
        entity_id: it.entityId,
        discount_tax_compensation_amount: 0,
        name: oi?.name ?? null,
        order_item_id: it.orderItemId,
        parent_id: m.entityId,
        price: money(oi?.price ?? 0),
        price_incl_tax: money((oi?.price ?? 0) + Math.round(line.tax / it.qty)),
        product_id: oi?.productId ?? null,
        qty: it.qty,
        row_total: money(line.row),
        row_total_incl_tax: money(line.row + line.tax),
        sku: oi?.sku ?? null,
        tax_amount: money(line.tax),
      },
      ["base_cost"],
    );
    if (it.childEntityId === undefined || !oi?.child) return [item];
    // The configurable line's child: same qty, no amounts (Magento refunds the money on the parent).
    const child: Json = {
      base_cost: baseCost(null),
      base_discount_amount: 0,
      base_discount_tax_compensation_amount: 0,
      base_price: 0,
      base_price_incl_tax: 0,
      base_row_total: 0,
      base_row_total_incl_tax: 0,
      base_tax_amount: 0,
      discount_amount: 0,
      entity_id: it.childEntityId,
      discount_tax_compensation_amount: 0,
      name: oi.child.name,
      order_item_id: oi.child.itemId,
      parent_id: m.entityId,
      price: 0,
      price_incl_tax: 0,
      product_id: oi.child.productId,
      qty: it.qty,
      row_total: 0,
      row_total_incl_tax: 0,
      sku: oi.child.sku,
      tax_amount: 0,
    };
    return [item, child];
  });
  return {
    ...header,
    items,
    comments: m.comment
      ? [
          {
            comment: m.comment,
            created_at: m.createdAt,
            entity_id: m.entityId,
            is_customer_notified: 0,
            is_visible_on_front: 0,
            parent_id: m.entityId,
          },
        ]
      : [],
  };
}

// ---------------------------------------------------------------- carts

/** A quote item: a configurable one is listed once, as its parent, with the child's SKU and options. */
export function renderCartItem(cart: Cart, item: CartItem): Json {
  return {
    item_id: item.itemId,
    sku: item.sku,
    qty: item.qty,
    name: item.name,
    price: money(item.price),
    product_type: item.child ? "configurable" : "simple",
    quote_id: String(cart.id),
    ...(item.child ? { product_option: configurableOption(item.child) } : {}),
  };
}

function quoteAddress(cart: Cart, a: PostalAddress | undefined, kind: "billing" | "shipping", email: string | null, strict: boolean): Json {
  const id = kind === "billing" ? cart.id * 2 - 1 : cart.id * 2;
  if (!a) {
    // What Magento sends for an address nobody has filled in yet (strict: the schema's types, empty).
    const none = strict ? "" : null;
    return {
      id,
      region: none,
      region_id: strict ? 0 : null,
      region_code: none,
      country_id: none,
      street: [""],
      telephone: none,
      postcode: none,
      city: none,
      firstname: none,
      lastname: none,
      ...(cart.customerId !== null ? { customer_id: cart.customerId } : {}),
      email: email ?? none,
      same_as_billing: kind === "shipping" ? 1 : 0,
      save_in_address_book: 0,
    };
  }
  // A country without regions: Magento's quote address has region and region_code null, region_id 0.
  const regionless = a.regionId === 0 && !a.region;
  return dropNulls(
    {
      id,
      region: regionless && !strict ? null : a.region,
      region_id: a.regionId,
      region_code: regionless && !strict ? null : a.regionCode,
      country_id: a.countryId,
      street: a.street,
      company: a.company ?? null,
      telephone: a.telephone,
      postcode: a.postcode,
      city: a.city,
      firstname: a.firstname,
      lastname: a.lastname,
      customer_id: cart.customerId,
      email: a.email,
      same_as_billing: kind === "shipping" && cart.billing && sameAddress(cart.billing, a) ? 1 : 0,
      customer_address_id: a.customerAddressId ?? null,
      save_in_address_book: 0,
    },
    ["region", "region_code"],
  );
}

function sameAddress(a: PostalAddress, b: PostalAddress): boolean {
  return a.street.join("\n") === b.street.join("\n") && a.city === b.city && a.postcode === b.postcode && a.lastname === b.lastname;
}

export function cartShippingBase(cart: Cart): number {
  if (!cart.shippingMethod) return 0;
  return (
    shippingRate(cart.items, cart.shippingMethod.carrier, cart.shippingMethod.method, viewCurrencies(cart.storeId).catalogueRate)
      ?.baseAmount ?? 0
  );
}

export function computeCartTotals(cart: Cart) {
  return cartTotals(cart.items, {
    rate: cart.rate,
    shippingBase: cartShippingBase(cart),
    taxRate: taxRateFor(cart.shippingAddress),
    discountPercent: cart.couponPercent ?? 0,
  });
}

export function cartColumns(cart: Cart, customer: Customer | undefined): Json {
  const t = computeCartTotals(cart);
  const email = customer?.email ?? cart.guest?.email ?? null;
  return {
    id: cart.id,
    entity_id: cart.id,
    store_id: cart.storeId,
    created_at: cart.createdAt,
    updated_at: cart.updatedAt,
    converted_at: null,
    is_active: cart.isActive ? 1 : 0,
    is_virtual: 0,
    is_multi_shipping: 0,
    items_count: cart.items.length,
    items_qty: t.qty,
    orig_order_id: 0,
    store_to_base_rate: 0,
    store_to_quote_rate: 0,
    base_currency_code: viewCurrencies(cart.storeId).base,
    store_currency_code: viewCurrencies(cart.storeId).base,
    quote_currency_code: cart.currency,
    grand_total: money(t.grand),
    base_grand_total: money(t.baseGrand),
    subtotal: money(t.subtotal),
    base_subtotal: money(t.baseSubtotal),
    checkout_method: cart.isGuest ? "guest" : null,
    customer_id: cart.customerId,
    customer_tax_class_id: 3,
    customer_group_id: customer?.group_id ?? 0,
    customer_email: email,
    customer_firstname: customer?.firstname ?? cart.guest?.firstname ?? null,
    customer_lastname: customer?.lastname ?? cart.guest?.lastname ?? null,
    customer_note_notify: 1,
    customer_is_guest: cart.isGuest ? 1 : 0,
    coupon_code: cart.couponCode ?? null,
    reserved_order_id: cart.reservedOrderId,
  };
}

export function renderCart(cart: Cart, customer: Customer | undefined, strict = false): Json {
  const items = cart.items.map((i) => renderCartItem(cart, i));
  // An empty address of a customer's cart carries the customer's email (official sample); a
  // guest's has none until checkout (strict: the guest contact, as the flat columns have it).
  const email = customer?.email ?? (strict ? (cart.guest?.email ?? null) : null);
  const out: Json = {
    id: cart.id,
    created_at: cart.createdAt,
    updated_at: cart.updatedAt,
    is_active: cart.isActive,
    is_virtual: false,
    items,
    items_count: cart.items.length,
    items_qty: cart.items.reduce((acc, i) => acc + i.qty, 0),
    // A guest cart's customer is an empty customer object: Magento sends its required names and
    // email as null (the guest's email reaches the cart with the billing address at checkout).
    customer: customer
      ? renderCustomer(customer, strict)
      : strict
        ? { email: cart.guest?.email ?? "", firstname: cart.guest?.firstname ?? "", lastname: cart.guest?.lastname ?? "" }
        : { email: null, firstname: null, lastname: null },
    billing_address: quoteAddress(cart, cart.billing, "billing", email, strict),
    orig_order_id: 0,
    currency: {
      global_currency_code: GLOBAL_CURRENCY,
      base_currency_code: viewCurrencies(cart.storeId).base,
      store_currency_code: viewCurrencies(cart.storeId).base,
      quote_currency_code: cart.currency,
      store_to_base_rate: 0,
      store_to_quote_rate: 0,
      base_to_global_rate: viewCurrencies(cart.storeId).toGlobal,
      base_to_quote_rate: cart.rate,
    },
    customer_is_guest: cart.isGuest,
    customer_note_notify: true,
    customer_tax_class_id: 3,
    store_id: cart.storeId,
    extension_attributes: {
      shipping_assignments: [
        {
          shipping: {
            address: quoteAddress(cart, cart.shippingAddress, "shipping", email, strict),
            method: cart.shippingMethod ? `${cart.shippingMethod.carrier}_${cart.shippingMethod.method}` : strict ? "" : null,
          },
          items,
        },
      ],
    },
  };
  if (cart.reservedOrderId) out.reserved_order_id = cart.reservedOrderId;
  if (cart.couponCode) (out.extension_attributes as Json).coupon_codes = [cart.couponCode];
  return out;
}

export function renderTotals(cart: Cart, strict = false): Json {
  const weee = strict ? 0 : null;
  const t = computeCartTotals(cart);
  const segments: Json[] = [{ code: "subtotal", title: "Subtotal", value: money(t.subtotal) }];
  if (t.discount) segments.push({ code: "discount", title: `Discount (${cart.couponCode ?? ""})`, value: money(-t.discount) });
  if (cart.shippingMethod) {
    const rate = shippingRate(
      cart.items,
      cart.shippingMethod.carrier,
      cart.shippingMethod.method,
      viewCurrencies(cart.storeId).catalogueRate,
    );
    const title = rate ? `Shipping & Handling (${rate.carrierTitle} - ${rate.methodTitle})` : "Shipping & Handling";
    segments.push({ code: "shipping", title, value: money(t.shipping) });
  }
  segments.push({ code: "tax", title: "Tax", value: money(t.tax), extension_attributes: { tax_grandtotal_details: [] } });
  segments.push({ code: "grand_total", title: "Grand Total", value: money(t.grand), area: "footer" });
  const taxRate = taxRateFor(cart.shippingAddress);
  return {
    grand_total: money(t.grand),
    base_grand_total: money(t.baseGrand),
    subtotal: money(t.subtotal),
    base_subtotal: money(t.baseSubtotal),
    discount_amount: money(-t.discount),
    base_discount_amount: money(-t.baseDiscount),
    subtotal_with_discount: money(t.subtotal - t.discount),
    base_subtotal_with_discount: money(t.baseSubtotal - t.baseDiscount),
    shipping_amount: money(t.shipping),
    base_shipping_amount: money(t.baseShipping),
    shipping_discount_amount: 0,
    base_shipping_discount_amount: 0,
    tax_amount: money(t.tax),
    base_tax_amount: money(t.baseTax),
    weee_tax_applied_amount: weee,
    shipping_tax_amount: 0,
    base_shipping_tax_amount: 0,
    subtotal_incl_tax: money(t.subtotal + t.tax),
    base_subtotal_incl_tax: money(t.baseSubtotal + t.baseTax),
    shipping_incl_tax: money(t.shipping),
    base_shipping_incl_tax: money(t.baseShipping),
    base_currency_code: viewCurrencies(cart.storeId).base,
    quote_currency_code: cart.currency,
    ...(cart.couponCode ? { coupon_code: cart.couponCode } : {}),
    items_qty: t.qty,
    items: t.lines.map((l) => ({
      item_id: l.item.itemId,
      price: money(l.item.price),
      base_price: money(l.item.basePrice),
      qty: l.item.qty,
      row_total: money(l.row),
      base_row_total: money(l.baseRow),
      row_total_with_discount: 0,
      tax_amount: money(l.tax),
      base_tax_amount: money(l.baseTax),
      tax_percent: taxRate / 100,
      discount_amount: money(l.discount),
      base_discount_amount: money(l.baseDiscount),
      discount_percent: cart.couponPercent ?? 0,
      price_incl_tax: money(l.item.price + Math.round(l.tax / l.item.qty)),
      base_price_incl_tax: money(l.item.basePrice + Math.round(l.baseTax / l.item.qty)),
      row_total_incl_tax: money(l.row + l.tax),
      base_row_total_incl_tax: money(l.baseRow + l.baseTax),
      // The chosen options as Magento's JSON text ("[]" for a simple product).
      options: JSON.stringify((l.item.child?.options ?? []).map((o) => ({ value: o.value, label: o.label }))),
      weee_tax_applied_amount: weee,
      weee_tax_applied: strict ? "" : null,
      name: l.item.name,
    })),
    total_segments: segments,
  };
}

export { convert, EUR_RATE };
