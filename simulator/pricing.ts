// Money rules of the simulated store, all in integer cents: conversion to the order currency,
// discounts, tax, shipping rates, and refund shares that always add up to the full amount.
import { FLATRATE_PER_ITEM_CENTS, FREE_SHIPPING_THRESHOLD_CENTS, TAX_RATES } from "./data";
import type { CartItem, Order, OrderItem, PostalAddress } from "./types";
import { roundCents } from "./util";

/** Tax percent ×100 for a destination (725 = 7.25 %). */
export function taxRateFor(address: Pick<PostalAddress, "countryId" | "regionCode"> | undefined): number {
  if (!address) return 0;
  return TAX_RATES[`${address.countryId}-${address.regionCode}`] ?? TAX_RATES[address.countryId] ?? 0;
}

export function convert(baseCents: number, rate: number): number {
  return rate === 1 ? baseCents : roundCents(baseCents * rate);
}

export type ShippingRate = {
  carrierCode: string;
  methodCode: string;
  carrierTitle: string;
  methodTitle: string;
  /** Base currency cents. */
  baseAmount: number;
};

export const CARRIERS: Record<string, { carrierTitle: string; methodCode: string; methodTitle: string }> = {
  flatrate: { carrierTitle: "Flat Rate", methodCode: "flatrate", methodTitle: "Fixed" },
  tablerate: { carrierTitle: "Best Way", methodCode: "bestway", methodTitle: "Table Rate" },
  freeshipping: { carrierTitle: "Free Shipping", methodCode: "freeshipping", methodTitle: "Free" },
};

/**
 * Shipping methods offered for a basket, in its base currency: flat rate $5 per item, table rate by
 * weight, free shipping from $100. The carriers are configured in USD; a website with another base
 * currency gets them converted at `catalogueRate` (as its prices are), threshold included.
 */
export function shippingRates(items: { basePrice: number; qty: number; weight: number }[], catalogueRate = 1): ShippingRate[] {
  let qty = 0;
  let weight = 0;
  let subtotal = 0;
  for (const item of items) {
    qty += item.qty;
    weight += item.weight * item.qty;
    subtotal += item.basePrice * item.qty;
  }
  const rates: ShippingRate[] = [
    { carrierCode: "flatrate", ...CARRIERS.flatrate!, baseAmount: convert(FLATRATE_PER_ITEM_CENTS * qty, catalogueRate) },
    {
      carrierCode: "tablerate",
      ...CARRIERS.tablerate!,
      baseAmount: convert(1000 + Math.max(0, Math.ceil(weight) - 5) * 100, catalogueRate),
    },
  ];
  if (subtotal >= freeShippingThreshold(catalogueRate)) {
    rates.push({ carrierCode: "freeshipping", ...CARRIERS.freeshipping!, baseAmount: 0 });
  }
  return rates;
}

/** The base subtotal (cents) from which free shipping is offered. */
export function freeShippingThreshold(catalogueRate = 1): number {
  return convert(FREE_SHIPPING_THRESHOLD_CENTS, catalogueRate);
}

export function shippingRate(
  items: { basePrice: number; qty: number; weight: number }[],
  carrier: string,
  method: string,
  catalogueRate = 1,
): ShippingRate | undefined {
  return shippingRates(items, catalogueRate).find((r) => r.carrierCode === carrier && r.methodCode === method);
}

/** A shipping method code ("flatrate_flatrate", "tablerate_bestway") as [carrier, method]. */
export function splitMethod(code: string): [string, string] {
  const idx = code.indexOf("_");
  return idx < 0 ? [code, code] : [code.slice(0, idx), code.slice(idx + 1)];
}

/** Fills discount and tax of an order line from its price, qty, discount percent and tax rate. */
export function priceLine(item: Pick<OrderItem, "price" | "basePrice" | "qty" | "discountPercent" | "taxRate">) {
  const row = item.price * item.qty;
  const baseRow = item.basePrice * item.qty;
  const discount = roundCents((row * item.discountPercent) / 100);
  const baseDiscount = roundCents((baseRow * item.discountPercent) / 100);
  const tax = roundCents(((row - discount) * item.taxRate) / 10000);
  const baseTax = roundCents(((baseRow - baseDiscount) * item.taxRate) / 10000);
  return { discount, baseDiscount, tax, baseTax };
}

export type Totals = {
  subtotal: number;
  baseSubtotal: number;
  /** Positive here; Magento sends discount_amount as a negative number. */
  discount: number;
  baseDiscount: number;
  tax: number;
  baseTax: number;
  shipping: number;
  baseShipping: number;
  grand: number;
  baseGrand: number;
  qty: number;
  weight: number;
};

export function orderTotals(order: Pick<Order, "items" | "shippingAmount" | "baseShippingAmount">): Totals {
  let subtotal = 0,
    baseSubtotal = 0,
    discount = 0,
    baseDiscount = 0,
    tax = 0,
    baseTax = 0,
    qty = 0,
    weight = 0;
  for (const i of order.items) {
    subtotal += i.price * i.qty;
    baseSubtotal += i.basePrice * i.qty;
    discount += i.discount;
    baseDiscount += i.baseDiscount;
    tax += i.tax;
    baseTax += i.baseTax;
    qty += i.qty;
    weight += i.weight * i.qty;
  }
  return {
    subtotal,
    baseSubtotal,
    discount,
    baseDiscount,
    tax,
    baseTax,
    shipping: order.shippingAmount,
    baseShipping: order.baseShippingAmount,
    grand: subtotal + order.shippingAmount + tax - discount,
    baseGrand: baseSubtotal + order.baseShippingAmount + baseTax - baseDiscount,
    qty,
    weight,
  };
}

/** Totals of a cart (quote) with the current shipping selection and destination. */
export function cartTotals(items: CartItem[], options: { rate: number; shippingBase: number; taxRate: number; discountPercent: number }) {
  const lines = items.map((item) => {
    const line = priceLine({
      price: item.price,
      basePrice: item.basePrice,
      qty: item.qty,
      discountPercent: options.discountPercent,
      taxRate: options.taxRate,
    });
    return { item, row: item.price * item.qty, baseRow: item.basePrice * item.qty, ...line };
  });
  const shipping = convert(options.shippingBase, options.rate);
  const sum = (f: (l: (typeof lines)[number]) => number) => lines.reduce((acc, l) => acc + f(l), 0);
  const subtotal = sum((l) => l.row);
  const baseSubtotal = sum((l) => l.baseRow);
  const discount = sum((l) => l.discount);
  const baseDiscount = sum((l) => l.baseDiscount);
  const tax = sum((l) => l.tax);
  const baseTax = sum((l) => l.baseTax);
  return {
    lines,
    subtotal,
    baseSubtotal,
    discount,
    baseDiscount,
    tax,
    baseTax,
    shipping,
    baseShipping: options.shippingBase,
    grand: subtotal + shipping + tax - discount,
    baseGrand: baseSubtotal + options.shippingBase + baseTax - baseDiscount,
    qty: items.reduce((acc, i) => acc + i.qty, 0),
  };
}

/**
 * The share of `full` that refunding `qty` more units (after `before` already refunded) carries,
 * such that refunding every unit in any number of steps sums exactly to `full`.
 */
export function refundShare(full: number, qtyOrdered: number, before: number, qty: number): number {
  const upTo = (q: number) => (q >= qtyOrdered ? full : roundCents((full * q) / qtyOrdered));
  return upTo(before + qty) - upTo(before);
}
