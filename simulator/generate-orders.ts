// Generated orders: a new order from a random basket (customer or guest, coupon, carrier,
// payment), and the life-cycle scenario its age makes likely, played out in time.
import { viewCurrencies } from "./data";
import { fromCustomerAddress } from "./addresses";
import { basketLine, orderLines, randomBasket } from "./basket";
import { countryForStore, randomPerson, randomPostal, uniqueEmail } from "./generate-customers";
import { cancel, hold, invoice, partialRefund, refund, ship } from "./order-lifecycle";
import { CARRIERS, convert, freeShippingThreshold, shippingRate, taxRateFor } from "./pricing";
import type { Random } from "./random";
import { storeView } from "./render";
import type { MagentoStore } from "./store";
import type { Customer, Order, PostalAddress } from "./types";
import { formatDate, parseDate } from "./util";

export type OrderScenario =
  | "pending"
  | "pending_payment"
  | "processing"
  | "processing_partial_refund"
  | "complete"
  | "complete_partial_refund"
  | "canceled"
  | "closed"
  | "holded";

export function scenarioFor(rng: Random, ageDays: number): OrderScenario {
  if (ageDays < 2) {
    return rng.weighted<OrderScenario>([
      ["pending", 45],
      ["processing", 33],
      ["pending_payment", 3],
      ["holded", 4],
      ["canceled", 5],
      ["complete", 10],
    ]);
  }
  if (ageDays < 14) {
    return rng.weighted<OrderScenario>([
      ["pending", 8],
      ["processing", 27],
      ["complete", 45],
      ["canceled", 8],
      ["holded", 3],
      ["closed", 3],
      ["processing_partial_refund", 2],
      ["complete_partial_refund", 3],
      ["pending_payment", 1],
    ]);
  }
  return rng.weighted<OrderScenario>([
    ["complete", 73],
    ["canceled", 9],
    ["closed", 7],
    ["processing", 1],
    ["holded", 1],
    ["complete_partial_refund", 5],
    ["processing_partial_refund", 1],
    ["pending", 2],
    ["pending_payment", 1],
  ]);
}

/** Applies a life-cycle scenario to a fresh (state new) order, spreading its events after creation. */
export function applyScenario(store: MagentoStore, rng: Random, o: Order, scenario: OrderScenario, created: number, limit: number) {
  store.changed();
  const later = (minS: number, maxS: number, after: number) => {
    const t = after + rng.int(minS, maxS);
    return t <= limit ? t : Math.max(after, Math.min(limit, after + Math.floor((limit - after) * rng.next())));
  };
  const HOUR = 3600,
    DAY = 86400;
  switch (scenario) {
    case "pending":
      return;
    case "pending_payment":
      o.state = "pending_payment";
      o.status = "pending_payment";
      o.header = undefined;
      return;
    case "processing":
      invoice(store, o, later(60, 2 * DAY, created));
      return;
    case "processing_partial_refund": {
      const t1 = later(60, DAY, created);
      invoice(store, o, t1);
      partialRefund(store, rng, o, later(HOUR, 3 * DAY, t1));
      return;
    }
    case "complete": {
      const t1 = later(60, DAY, created);
      invoice(store, o, t1);
      ship(store, o, later(HOUR, 5 * DAY, t1));
      return;
    }
    case "complete_partial_refund": {
      const t1 = later(60, DAY, created);
      invoice(store, o, t1);
      const t2 = later(HOUR, 5 * DAY, t1);
      ship(store, o, t2);
      partialRefund(store, rng, o, later(DAY, 20 * DAY, t2));
      return;
    }
    case "canceled":
      cancel(store, o, later(HOUR, 3 * DAY, created));
      return;
    case "closed": {
      const t1 = later(60, DAY, created);
      invoice(store, o, t1);
      let t2 = t1;
      if (rng.chance(0.7)) {
        t2 = later(HOUR, 5 * DAY, t1);
        ship(store, o, t2);
      }
      refund(
        store,
        o,
        later(DAY, 25 * DAY, t2),
        o.items.map((item) => ({ item, qty: item.qty - item.qtyRefunded })),
        {
          shipping: true,
          comment: rng.pick(["Returned: wrong size.", "Customer changed their mind.", "Damaged in transit.", ""]) || undefined,
        },
      );
      return;
    }
    case "holded":
      if (rng.chance(0.5)) invoice(store, o, later(60, DAY, created));
      hold(store, o, later(HOUR, 2 * DAY, parseDate(o.updatedAt)));
      return;
  }
}

/** A new order (state new, status pending) from a generated basket; quote ids are set by the caller. */
export function buildOrder(
  store: MagentoStore,
  rng: Random,
  at: number,
  customer: Customer | null,
  storeIdForGuest: number,
  storeIdOverride?: number,
): Order {
  store.changed();
  const storeId = storeIdOverride ?? (customer ? customer.store_id : storeIdForGuest);
  const view = storeView(storeId);
  const currencies = viewCurrencies(storeId);
  const rate = currencies.orderRate;
  let shippingAddress: PostalAddress;
  let billingAddress: PostalAddress;
  let person: { firstname: string; lastname: string };
  let email: string;
  if (customer) {
    person = { firstname: customer.firstname, lastname: customer.lastname };
    email = customer.email;
    const ship = customer.addresses.find((a) => String(a.id) === customer.default_shipping) ?? customer.addresses[0];
    const bill = customer.addresses.find((a) => String(a.id) === customer.default_billing) ?? ship;
    shippingAddress = ship ? fromCustomerAddress(ship, email) : randomPostal(rng, countryForStore(rng, storeId), person, email);
    billingAddress = bill ? fromCustomerAddress(bill, email) : shippingAddress;
  } else {
    const country = countryForStore(rng, storeId);
    person = randomPerson(rng, country);
    email = uniqueEmail(store, rng, person.firstname, person.lastname, country);
    shippingAddress = randomPostal(rng, country, person, email);
    billingAddress = shippingAddress;
  }
  const coupon = rng.weighted<[string, number] | null>([
    [null, 85],
    [["SAVE10", 10], 11],
    [["WELCOME15", 15], 3.7],
    [["FREEORDER", 100], 0.3],
  ]);
  const discountPercent = coupon ? coupon[1] : 0;
  const taxRate = taxRateFor(shippingAddress);
  const items = orderLines(
    store,
    randomBasket(store, rng, false).map(basketLine),
    rate,
    discountPercent,
    taxRate,
    currencies.catalogueRate,
  );
  const baseSubtotal = items.reduce((acc, i) => acc + i.basePrice * i.qty, 0);
  let carrier = rng.weighted([
    ["flatrate", 60],
    ["tablerate", 40],
  ]);
  if (baseSubtotal >= freeShippingThreshold(currencies.catalogueRate) && rng.chance(0.6)) carrier = "freeshipping";
  if (discountPercent === 100) carrier = "freeshipping";
  const rateInfo =
    discountPercent === 100
      ? { carrierCode: "freeshipping", ...CARRIERS.freeshipping!, baseAmount: 0 }
      : shippingRate(items, carrier, CARRIERS[carrier]!.methodCode, currencies.catalogueRate)!;
  const paymentMethod =
    discountPercent === 100
      ? "free"
      : rng.weighted([
          ["checkmo", 40],
          ["banktransfer", 27],
          ["purchaseorder", 15],
          ["cashondelivery", 18],
        ]);
  const entityId = ++store.seq.order;
  const order: Order = {
    entityId,
    incrementId: store.nextOrderIncrement(storeId),
    quoteId: 0,
    storeId,
    customerId: customer?.id ?? null,
    isGuest: !customer,
    groupId: customer?.group_id ?? 0,
    email,
    firstname: person.firstname,
    lastname: person.lastname,
    ...(customer?.dob ? { dob: customer.dob } : {}),
    ...(customer?.gender !== undefined ? { gender: customer.gender } : {}),
    createdAt: formatDate(at),
    updatedAt: formatDate(at),
    state: "new",
    status: "pending",
    currency: view.currency,
    rate,
    items,
    billingAddress,
    shippingAddress,
    shippingMethod: `${rateInfo.carrierCode}_${rateInfo.methodCode}`,
    shippingDescription: `${rateInfo.carrierTitle} - ${rateInfo.methodTitle}`,
    shippingAmount: convert(rateInfo.baseAmount, rate),
    baseShippingAmount: rateInfo.baseAmount,
    paymentMethod,
    ...(paymentMethod === "purchaseorder" ? { poNumber: `PO-${rng.int(10000, 99999)}` } : {}),
    ...(coupon ? { couponCode: coupon[0], appliedRuleIds: coupon[0] === "SAVE10" ? "1" : coupon[0] === "WELCOME15" ? "2" : "3" } : {}),
    invoiced: false,
    canceled: false,
    creditmemoIds: [],
    remoteIp: `${rng.int(11, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    protectCode: rng.hex(6),
    history: [],
  };
  if (rng.chance(0.03))
    order.customerNote = rng.pick(["Please leave at the back door.", "Gift - no invoice in the parcel please.", "Call before delivery."]);
  store.orders.set(entityId, order);
  return order;
}
