// Changes over time for the control API (POST /__simulator/tick): new orders and carts,
// carts left alone, customers edited or created, orders moving through their life cycle,
// refunds with credit memos, cancellations and deletions.
import { STORE_VIEWS, viewCurrencies } from "./data";
import { orderTotals } from "./pricing";
import { Random } from "./random";
import type { MagentoStore } from "./store";
import type { Customer } from "./types";
import { formatDate, isRecord, money } from "./util";

export type TickOptions = {
  newOrders?: number;
  newCarts?: number;
  /** Active carts that get one last change now and are then left alone (they age into "abandoned"). */
  abandonCarts?: number;
  editCustomers?: number;
  newCustomers?: number;
  /** Orders that move one step: pending → processing → complete (holded → back; pending_payment → processing). */
  progressOrders?: number;
  /** Invoiced orders that get a credit memo (full → closed, or partial). */
  refundOrders?: number;
  cancelOrders?: number;
  /** A count (random ones) or the ids to delete. */
  deleteCustomers?: number | number[];
  deleteCarts?: number | number[];
  /** Moves the simulated clock forward before applying the changes. */
  advanceSeconds?: number;
};

export type TickResult = {
  at: string;
  created: { orders: number[]; carts: number[]; customers: number[] };
  changed: { orders: number[]; carts: number[]; customers: number[] };
  creditmemos: number[];
  deleted: { customers: number[]; carts: number[] };
};

const TICK_KEYS = [
  "newOrders",
  "newCarts",
  "abandonCarts",
  "editCustomers",
  "newCustomers",
  "progressOrders",
  "refundOrders",
  "cancelOrders",
  "deleteCustomers",
  "deleteCarts",
  "advanceSeconds",
];

/** Checks a tick body; returns an error message or null. */
export function validateTick(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  if (typeof body !== "object" || Array.isArray(body)) return "The tick body must be a JSON object.";
  for (const [key, value] of Object.entries(body)) {
    if (!TICK_KEYS.includes(key)) return `Unknown tick option "${key}". Known: ${TICK_KEYS.join(", ")}.`;
    const ok = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 100000;
    if ((key === "deleteCustomers" || key === "deleteCarts") && Array.isArray(value)) {
      if (!value.every(ok)) return `"${key}" must be a count or a list of ids.`;
      continue;
    }
    if (!ok(value)) return `"${key}" must be a non-negative integer.`;
  }
  return null;
}

export function tick(store: MagentoStore, options: TickOptions, tickNumber: number): TickResult {
  const rng = new Random(`${store.seed}:tick:${tickNumber}`);
  const atTs = store.tickTime(options.advanceSeconds ?? 0);
  const at = formatDate(atTs);
  const result: TickResult = {
    at,
    created: { orders: [], carts: [], customers: [] },
    changed: { orders: [], carts: [], customers: [] },
    creditmemos: [],
    deleted: { customers: [], carts: [] },
  };
  const customerList = () => [...store.customers.values()];

  for (let i = 0; i < (options.newCustomers ?? 0); i++) {
    result.created.customers.push(store.createCustomer(rng, atTs, atTs).id);
  }

  if (options.newOrders) {
    const customers = customerList();
    for (let i = 0; i < options.newOrders; i++) {
      const customer = customers.length && rng.chance(0.75) ? rng.pick(customers) : null;
      const order = store.buildOrder(
        rng,
        atTs,
        customer,
        rng.weighted([
          [1, 70],
          [2, 15],
          [3, 15],
        ]),
      );
      const cartId = ++store.seq.cart;
      store.convertedCart(order, cartId, formatDate(atTs - rng.int(60, 1800)));
      if (rng.chance(0.05)) {
        order.state = "pending_payment";
        order.status = "pending_payment";
      }
      order.header = undefined;
      result.created.orders.push(order.entityId);
      result.created.carts.push(cartId);
    }
  }

  if (options.newCarts) {
    const customers = customerList();
    for (let i = 0; i < options.newCarts; i++) {
      let customer: Customer | null = null;
      if (customers.length && rng.chance(0.7)) {
        for (let attempt = 0; attempt < 20; attempt++) {
          const candidate = rng.pick(customers);
          if (!store.activeCartByCustomer.has(candidate.id)) {
            customer = candidate;
            break;
          }
        }
      }
      const cart = store.buildActiveCart(
        rng,
        ++store.seq.cart,
        customer,
        rng.weighted([
          [1, 70],
          [2, 15],
          [3, 15],
        ]),
        atTs,
        atTs,
        rng.chance(0.3),
      );
      result.created.carts.push(cart.id);
    }
  }

  if (options.abandonCarts) {
    const fresh = new Set(result.created.carts);
    const active = [...store.carts.values()].filter((c) => c.isActive && c.items.length > 0 && !fresh.has(c.id));
    for (const cart of rng.sample(active, options.abandonCarts)) {
      const item = cart.items[0]!;
      item.qty += 1;
      cart.updatedAt = at;
      result.changed.carts.push(cart.id);
    }
  }

  if (options.editCustomers) {
    for (const customer of rng.sample(customerList(), options.editCustomers)) {
      const change = rng.int(0, 3);
      if (change === 0) customer.lastname = `${customer.lastname}-${rng.pick(["Smith", "Meyer", "Martin", "Lee"])}`;
      else if (change === 1) customer.extension_attributes.is_subscribed = !customer.extension_attributes.is_subscribed;
      else if (change === 2) customer.group_id = customer.group_id === 1 ? rng.pick([2, 3]) : 1;
      else {
        const address = customer.addresses[0];
        if (address) address.telephone = `${address.telephone.slice(0, -2)}${String(rng.int(10, 99))}`;
        else customer.firstname = `${customer.firstname}`;
      }
      customer.updated_at = at;
      result.changed.customers.push(customer.id);
    }
  }

  if (options.progressOrders) {
    const eligible = [...store.orders.values()].filter(
      (o) =>
        ["new", "pending_payment", "holded"].includes(o.state) ||
        (o.state === "processing" && o.items.some((i) => i.qtyShipped < i.qty - i.qtyRefunded)),
    );
    for (const o of rng.sample(eligible, options.progressOrders)) {
      if (o.state === "holded") {
        o.state = o.holdBeforeState ?? "new";
        o.status = o.holdBeforeStatus ?? "pending";
        o.holdBeforeState = undefined;
        o.holdBeforeStatus = undefined;
        o.history.push({ comment: "Order released from hold.", status: o.status, createdAt: at, notified: 0, visible: 0 });
        store.touchOrder(o, atTs);
      } else if (o.state === "processing") store.ship(o, atTs);
      else store.invoice(o, atTs);
      result.changed.orders.push(o.entityId);
    }
  }

  if (options.cancelOrders) {
    const eligible = [...store.orders.values()].filter((o) => !o.invoiced && ["new", "pending_payment", "holded"].includes(o.state));
    for (const o of rng.sample(eligible, options.cancelOrders)) {
      store.cancel(o, atTs);
      result.changed.orders.push(o.entityId);
    }
  }

  if (options.refundOrders) {
    const eligible = [...store.orders.values()].filter(
      (o) => o.invoiced && (o.state === "processing" || o.state === "complete") && o.items.some((i) => i.qtyRefunded < i.qty),
    );
    for (const o of rng.sample(eligible, options.refundOrders)) {
      const memo = rng.chance(0.5)
        ? store.refund(
            o,
            atTs,
            o.items.map((item) => ({ item, qty: item.qty - item.qtyRefunded })),
            { shipping: true, comment: "Refund requested by the customer." },
          )
        : (store.partialRefund(rng, o, atTs) ??
          store.refund(
            o,
            atTs,
            o.items.map((item) => ({ item, qty: item.qty - item.qtyRefunded })),
            { shipping: true },
          ));
      result.creditmemos.push(memo.entityId);
      result.changed.orders.push(o.entityId);
    }
  }

  const pickIds = (spec: number | number[] | undefined, all: number[]) => (Array.isArray(spec) ? spec : rng.sample(all, spec ?? 0));
  for (const id of pickIds(options.deleteCustomers, [...store.customers.keys()])) {
    if (store.deleteCustomer(id)) result.deleted.customers.push(id);
  }
  const activeCarts = [...store.carts.values()].filter((c) => c.isActive).map((c) => c.id);
  for (const id of pickIds(options.deleteCarts, activeCarts)) {
    if (store.deleteCart(id)) result.deleted.carts.push(id);
  }
  return result;
}

/** POST /__simulator/orders: one order placed on a given store view at a given time. */
export type PlaceOrderOptions = {
  /** Store view id (1 default, 2 fr, 3 de). */
  storeId: number;
  /** When the order was placed: Magento's "YYYY-MM-DD HH:MM:SS" (UTC) or an ISO 8601 instant. */
  createdAt: string;
  /** A customer of the view's website; absent or null: a guest order. */
  customerId?: number | null;
};

export type PlacedOrder = {
  orderId: number;
  incrementId: string;
  cartId: number;
  storeId: number;
  createdAt: string;
  /** The simulator's clock (or createdAt when later): an incremental sync sees the order. */
  updatedAt: string;
  orderCurrency: string;
  baseCurrency: string;
  /** Cents are exact here: JSON numbers with at most 2 decimals, as Magento sends them. */
  grandTotal: number;
  baseGrandTotal: number;
  baseToGlobalRate: number;
};

/** Epoch seconds of "YYYY-MM-DD HH:MM:SS" (UTC) or an ISO instant with a zone; null when unreadable. */
function parseInstant(text: string): number | null {
  const magento = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text);
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
  if (!magento && !iso) return null;
  const ms = Date.parse(magento ? `${text.replace(" ", "T")}Z` : text);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

/** Checks a place-order body; returns the options or an error message. */
export function validatePlaceOrder(store: MagentoStore, body: unknown): PlaceOrderOptions | string {
  if (!isRecord(body)) return 'Send {"storeId": n, "createdAt": "YYYY-MM-DD HH:MM:SS", "customerId"?: n}.';
  for (const key of Object.keys(body)) {
    if (!["storeId", "createdAt", "customerId"].includes(key)) return `Unknown option "${key}". Known: storeId, createdAt, customerId.`;
  }
  const { storeId, createdAt, customerId } = body;
  if (typeof storeId !== "number" || !STORE_VIEWS.some((v) => v.id === storeId)) {
    return `"storeId" must be a store view id: ${STORE_VIEWS.map((v) => `${v.id} (${v.code})`).join(", ")}.`;
  }
  if (typeof createdAt !== "string" || parseInstant(createdAt) === null)
    return '"createdAt" must be "YYYY-MM-DD HH:MM:SS" (UTC) or an ISO 8601 instant.';
  if (customerId !== undefined && customerId !== null) {
    const customer = typeof customerId === "number" ? store.customers.get(customerId) : undefined;
    if (!customer) return `"customerId" ${String(customerId)} is not a customer of this store.`;
    const websiteId = STORE_VIEWS.find((v) => v.id === storeId)!.websiteId;
    if (customer.website_id !== websiteId)
      return `Customer ${customerId} belongs to website ${customer.website_id}, not to store view ${storeId}'s website ${websiteId}.`;
  }
  return { storeId, createdAt, customerId: (customerId as number | null | undefined) ?? null };
}

/**
 * Places one order (state new, status pending, with the inactive cart it came from) on a store view
 * at a given created_at, e.g. just before or after a store's local midnight. The basket draws from
 * a stream of its own (seed and order id), so the same calls on the same store give the same orders.
 */
export function placeOrderAt(store: MagentoStore, options: PlaceOrderOptions): PlacedOrder {
  const at = parseInstant(options.createdAt);
  if (at === null) throw new RangeError(`unreadable createdAt: ${options.createdAt}`);
  const customer = options.customerId === null || options.customerId === undefined ? null : store.getCustomer(options.customerId);
  const rng = new Random(`${store.seed}:placed:${store.seq.order + 1}`);
  const order = store.buildOrder(rng, at, customer, options.storeId, options.storeId);
  const cartId = ++store.seq.cart;
  store.convertedCart(order, cartId, formatDate(at - rng.int(60, 1800)));
  order.updatedAt = formatDate(Math.max(at, store.now()));
  order.header = undefined;
  store.changed();
  const totals = orderTotals(order);
  const currencies = viewCurrencies(order.storeId);
  return {
    orderId: order.entityId,
    incrementId: order.incrementId,
    cartId,
    storeId: order.storeId,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    orderCurrency: order.currency,
    baseCurrency: currencies.base,
    grandTotal: money(totals.grand),
    baseGrandTotal: money(totals.baseGrand),
    baseToGlobalRate: currencies.toGlobal,
  };
}
