// Changes over time for the control API (POST /__simulator/tick): new orders and carts,
// carts left alone, customers edited or created, orders moving through their life cycle,
// refunds with credit memos, cancellations and deletions.
import { Random } from "./random";
import type { MagentoStore } from "./store";
import type { Customer } from "./types";
import { formatDate } from "./util";

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

const TICK_KEYS = ["newOrders", "newCarts", "abandonCarts", "editCustomers", "newCustomers", "progressOrders", "refundOrders", "cancelOrders", "deleteCustomers", "deleteCarts", "advanceSeconds"];

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
      const order = store.buildOrder(rng, atTs, customer, rng.weighted([[1, 70], [2, 15], [3, 15]]));
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
      const cart = store.buildActiveCart(rng, ++store.seq.cart, customer, rng.weighted([[1, 70], [2, 15], [3, 15]]), atTs, atTs, rng.chance(0.3));
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
    const eligible = [...store.orders.values()].filter((o) => ["new", "pending_payment", "holded"].includes(o.state) || (o.state === "processing" && o.items.some((i) => i.qtyShipped < i.qty - i.qtyRefunded)));
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
    const eligible = [...store.orders.values()].filter((o) => o.invoiced && (o.state === "processing" || o.state === "complete") && o.items.some((i) => i.qtyRefunded < i.qty));
    for (const o of rng.sample(eligible, options.refundOrders)) {
      const memo = rng.chance(0.5)
        ? store.refund(o, atTs, o.items.map((item) => ({ item, qty: item.qty - item.qtyRefunded })), { shipping: true, comment: "Refund requested by the customer." })
        : (store.partialRefund(rng, o, atTs) ??
          store.refund(o, atTs, o.items.map((item) => ({ item, qty: item.qty - item.qtyRefunded })), { shipping: true }));
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
