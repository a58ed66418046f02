// The simulator's own figures for its store (or some of its websites): what a full sync of the
// portal must end up with, counted from the records, so tests can compare the two exactly.
import { viewCurrencies } from "./data";
import { orderTotals } from "./pricing";
import { storeView } from "./render";
import type { MagentoStore } from "./store";
import { pad } from "./util";

export type StoreFigures = {
  customers: number;
  /** Customers with extension_attributes.is_subscribed (core Magento's newsletter state). */
  newsletterSubscribers: number;
  orders: {
    total: number;
    /** Placed as guest, or whose customer was deleted since (customer_id null): no customer record to link. */
    guest: number;
    registered: number;
    /**
     * Σ grand_total as sent (order currencies, unconverted), Σ base_grand_total (base currencies,
     * unconverted) and Σ base_grand_total × base_to_global_rate (the global currency, as Magento's
     * admin reports add up): exact decimal text.
     */
    grandTotal: string;
    baseGrandTotal: string;
    globalGrandTotal: string;
    /** Order lines as a person sees them: simple lines and configurable parents, not their children. */
    visibleLines: number;
    /** Order items Magento sends (a configurable line is two). */
    itemRows: number;
    configurableLines: number;
  };
  carts: {
    total: number;
    active: number;
    inactive: number;
    /** Carts an order came from (some order's quote_id). */
    purchased: number;
    guest: number;
  };
  creditMemos: number;
  /** Credit memo items Magento sends (a configurable line's child is one more). */
  creditMemoItemRows: number;
};

/** Exact decimal text of a cent amount ("1234.50"). */
function centsText(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? "-" : ""}${Math.floor(abs / 100)}.${pad(abs % 100, 2)}`;
}

// Rates are held to 12 places, as the portal's numeric(24,12) columns hold them.
const RATE_SCALE = 12;

/** A rate as an integer of 10^-12 units, from its shortest decimal text (1.0815 → 1081500000000n). */
function scaledRate(rate: number): bigint {
  const [whole, fraction = ""] = String(rate).split(".");
  if (String(rate).includes("e") || fraction.length > RATE_SCALE) throw new RangeError(`rate ${rate} has more than ${RATE_SCALE} places`);
  return BigInt(`${whole}${fraction.padEnd(RATE_SCALE, "0")}`);
}

/** Exact decimal text of Σ cents × rate (units of 10^-(2+12)), trailing zeros trimmed down to cents. */
function globalText(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(RATE_SCALE + 3, "0");
  const whole = digits.slice(0, -(RATE_SCALE + 2));
  const fraction = digits
    .slice(-(RATE_SCALE + 2))
    .replace(/0+$/, "")
    .padEnd(2, "0");
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

export function storeFigures(store: MagentoStore, options: { websiteIds?: readonly number[] } = {}): StoreFigures {
  const websites = options.websiteIds ? new Set(options.websiteIds) : null;
  const inScope = (storeId: number) => websites === null || websites.has(storeView(storeId).websiteId);

  let customers = 0,
    subscribers = 0;
  for (const c of store.customers.values()) {
    if (websites !== null && !websites.has(c.website_id)) continue;
    customers++;
    if (c.extension_attributes.is_subscribed === true) subscribers++;
  }

  const orders = {
    total: 0,
    guest: 0,
    registered: 0,
    grand: 0,
    baseGrand: 0,
    globalGrand: 0n,
    visibleLines: 0,
    itemRows: 0,
    configurableLines: 0,
  };
  const quoteIds = new Set<number>();
  for (const o of store.orders.values()) {
    if (!inScope(o.storeId)) continue;
    orders.total++;
    if (o.isGuest || o.customerId === null) orders.guest++;
    else orders.registered++;
    const t = orderTotals(o);
    orders.grand += t.grand;
    orders.baseGrand += t.baseGrand;
    orders.globalGrand += BigInt(t.baseGrand) * scaledRate(viewCurrencies(o.storeId).toGlobal);
    for (const line of o.items) {
      orders.visibleLines++;
      orders.itemRows += line.child ? 2 : 1;
      if (line.child) orders.configurableLines++;
    }
    quoteIds.add(o.quoteId);
  }

  const carts = { total: 0, active: 0, inactive: 0, purchased: 0, guest: 0 };
  for (const c of store.carts.values()) {
    if (!inScope(c.storeId)) continue;
    carts.total++;
    if (c.isActive) carts.active++;
    else carts.inactive++;
    if (quoteIds.has(c.id)) carts.purchased++;
    if (c.isGuest) carts.guest++;
  }

  let creditMemos = 0,
    creditMemoItemRows = 0;
  for (const m of store.memos.values()) {
    if (!inScope(m.storeId)) continue;
    creditMemos++;
    for (const it of m.items) creditMemoItemRows += it.childEntityId === undefined ? 1 : 2;
  }

  return {
    customers,
    newsletterSubscribers: subscribers,
    orders: {
      total: orders.total,
      guest: orders.guest,
      registered: orders.registered,
      grandTotal: centsText(orders.grand),
      baseGrandTotal: centsText(orders.baseGrand),
      globalGrandTotal: globalText(orders.globalGrand),
      visibleLines: orders.visibleLines,
      itemRows: orders.itemRows,
      configurableLines: orders.configurableLines,
    },
    carts,
    creditMemos,
    creditMemoItemRows,
  };
}
