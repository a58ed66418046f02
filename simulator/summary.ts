// The store at a glance for the control API's GET /__simulator/state: counts by record and state,
// the clock, store views and payment methods.
import { PAYMENT_METHODS, STORE_VIEWS } from "./data";
import type { MagentoStore } from "./store";
import { formatDate } from "./util";

export function storeSummary(store: MagentoStore) {
  const byState: Record<string, number> = {};
  let lastOrderUpdate = "";
  for (const o of store.orders.values()) {
    byState[o.state] = (byState[o.state] ?? 0) + 1;
    if (o.updatedAt > lastOrderUpdate) lastOrderUpdate = o.updatedAt;
  }
  let active = 0,
    guestActive = 0;
  for (const c of store.carts.values()) {
    if (c.isActive) {
      active++;
      if (c.isGuest) guestActive++;
    }
  }
  let subscribed = 0;
  for (const c of store.customers.values()) if (c.extension_attributes.is_subscribed) subscribed++;
  return {
    seed: store.seed,
    clock: formatDate(Math.max(store.lastTs, Math.floor(Date.now() / 1000) + store.clockOffset)),
    stores: STORE_VIEWS.map((s) => s.code),
    customers: store.customers.size,
    subscribedCustomers: subscribed,
    addresses: store.addresses.size,
    products: store.products.length,
    carts: { total: store.carts.size, active, inactive: store.carts.size - active, guestActive },
    orders: { total: store.orders.size, byState, lastUpdatedAt: lastOrderUpdate },
    creditmemos: store.memos.size,
    paymentMethods: Object.keys(PAYMENT_METHODS),
  };
}
