// The simulated Magento store: its records, id sequences, clock and lookups, and the one entry
// point for every change the generator, the REST routes and the control API make. The changes
// themselves live by concern: generate-*.ts (invented customers, orders, carts), order-lifecycle.ts
// (invoice/ship/refund), checkout.ts (carts over REST, placing an order), customer-accounts.ts.
import * as checkout from "./checkout";
import * as customerAccounts from "./customer-accounts";
import { entityMissing, noSuchEntity } from "./errors";
import * as generateCarts from "./generate-carts";
import * as generateCustomers from "./generate-customers";
import * as generateOrders from "./generate-orders";
import * as orderLifecycle from "./order-lifecycle";
import { Random } from "./random";
import { cartColumns, customerColumns, memoColumns, orderColumns } from "./render";
import { storeSummary } from "./summary";
import type { Cart, CartItem, Creditmemo, Customer, CustomerAddress, Json, Order, OrderItem, Product } from "./types";
import { incrementId } from "./util";

export type PushedOrder = {
  orderId: number;
  incrementId: string;
  cartId: number;
  customerId: number | null;
  grandTotal: number;
  at: string;
};
export type PushedCustomerUpdate = { customerId: number; before: Json; after: Json; at: string };
export type PushedSubscription = { customerId: number; email: string; from: boolean; to: boolean; at: string };
export type PushedCartChange = { cartId: number; action: string; detail: Json; at: string };
export type PushedRegistration = { customerId: number; email: string; websiteId: number; at: string };

export type Pushed = {
  placedOrders: PushedOrder[];
  customerUpdates: PushedCustomerUpdate[];
  subscriptionChanges: PushedSubscription[];
  cartChanges: PushedCartChange[];
  registrations: PushedRegistration[];
};

export type StoreOptions = {
  /**
   * Schema-only answers: every property the official schema requires carries a value of its
   * type ("" or 0 where Magento sends null). Default false: Magento's own nulls (render.ts).
   */
  strictSchema?: boolean;
};

export class MagentoStore {
  readonly customers = new Map<number, Customer>();
  readonly addresses = new Map<number, CustomerAddress>();
  readonly products: Product[] = [];
  readonly productsBySku = new Map<string, Product>();
  readonly productsById = new Map<number, Product>();
  readonly carts = new Map<number, Cart>();
  readonly activeCartByCustomer = new Map<number, number>();
  readonly orders = new Map<number, Order>();
  readonly memos = new Map<number, Creditmemo>();
  readonly emails = new Map<string, number>();
  readonly pushed: Pushed = { placedOrders: [], customerUpdates: [], subscriptionChanges: [], cartChanges: [], registrations: [] };
  readonly seq = { order: 0, orderItem: 0, cart: 0, cartItem: 0, customer: 0, address: 0, memo: 0, memoItem: 0 };
  private readonly orderIncrement = new Map<number, number>();
  private readonly memoIncrement = new Map<number, number>();
  /**
   * Bumped by every change of a record (see changed()); search indexes rebuild when it moves.
   * Code that edits records directly (not through a method here, a REST write or a tick) must call changed().
   */
  version = 0;
  /** Latest timestamp handed out (epoch s); the clock never goes back. */
  lastTs: number;
  /** Seconds added to the wall clock (tick --advanceSeconds). */
  clockOffset = 0;
  /** Control-API ticks so far: each tick draws from its own seeded stream, also after a restart. */
  ticks = 0;
  /** Told after every changed() (the state file's writer saves the store then). */
  onChange?: () => void;
  readonly rng: Random;
  readonly strictSchema: boolean;
  /** Products a basket draws from, rebuilt when the catalogue grows (see sellable()). */
  private sellableCache: { size: number; simple: Product[]; configurable: Product[] } | undefined;

  constructor(
    readonly seed: number,
    readonly anchor: number,
    options: StoreOptions = {},
  ) {
    this.lastTs = anchor;
    this.rng = new Random(`${seed}:live`);
    this.strictSchema = options.strictSchema ?? false;
  }

  // ------------------------------------------------------------------ clock & sequences

  /** Current time for a change made through the API: wall clock, never before the last one. */
  now(): number {
    const wall = Math.floor(Date.now() / 1000) + this.clockOffset;
    this.lastTs = Math.max(this.lastTs, wall);
    return this.lastTs;
  }

  /** A timestamp strictly after every earlier one (used by control-API ticks). */
  tickTime(advanceSeconds = 0): number {
    if (advanceSeconds > 0) this.clockOffset += advanceSeconds;
    const wall = Math.floor(Date.now() / 1000) + this.clockOffset;
    this.lastTs = Math.max(this.lastTs + 1, wall);
    return this.lastTs;
  }

  nextOrderIncrement(storeId: number): string {
    const n = (this.orderIncrement.get(storeId) ?? 0) + 1;
    this.orderIncrement.set(storeId, n);
    return incrementId(storeId, n);
  }

  nextMemoIncrement(storeId: number): string {
    const n = (this.memoIncrement.get(storeId) ?? 0) + 1;
    this.memoIncrement.set(storeId, n);
    return incrementId(storeId, n);
  }

  /** Marks the records as changed: cached search indexes are rebuilt on the next search. */
  changed() {
    this.version++;
    this.onChange?.();
  }

  // ------------------------------------------------------------------ lookups

  getCustomer(id: number): Customer {
    const c = this.customers.get(id);
    if (!c) throw noSuchEntity("customerId", id);
    return c;
  }

  getCart(id: number): Cart {
    const c = this.carts.get(id);
    if (!c) throw noSuchEntity("cartId", id);
    return c;
  }

  /** CartRepository::getActive: an inactive cart is "no such entity". */
  getActiveCart(id: number): Cart {
    const c = this.getCart(id);
    if (!c.isActive) throw noSuchEntity("cartId", id);
    return c;
  }

  getOrder(id: number): Order {
    const o = this.orders.get(id);
    if (!o) throw entityMissing();
    return o;
  }

  getMemo(id: number): Creditmemo {
    const m = this.memos.get(id);
    if (!m) throw entityMissing();
    return m;
  }

  product(sku: string): Product | undefined {
    return this.productsBySku.get(sku.toLowerCase());
  }

  productById(id: number): Product | undefined {
    return this.productsById.get(id) ?? this.products.find((p) => p.id === id);
  }

  addProduct(product: Product) {
    this.changed();
    this.products.push(product);
    this.productsBySku.set(product.sku.toLowerCase(), product);
    this.productsById.set(product.id, product);
  }

  /** The children of a configurable parent (none for a simple product). */
  childrenOf(product: Product): Product[] {
    return (product.childIds ?? []).flatMap((id) => this.productById(id) ?? []);
  }

  /** The product whose stock a cart or order line takes: the chosen child of a configurable line. */
  stockProduct(line: { productId: number; child?: { productId: number } }): Product | undefined {
    return this.productById(line.child?.productId ?? line.productId);
  }

  /** Standalone simple products and configurable parents (children are sold through their parent). */
  sellable() {
    if (this.sellableCache?.size !== this.products.length) {
      this.sellableCache = {
        size: this.products.length,
        simple: this.products.filter((p) => p.type !== "configurable" && p.parentId === undefined),
        configurable: this.products.filter((p) => p.type === "configurable"),
      };
    }
    return this.sellableCache;
  }

  memoLookup = (id: number) => this.memos.get(id);

  orderColumns(o: Order): Json {
    if (!o.header) o.header = orderColumns(o, this.memoLookup);
    return o.header;
  }

  memoColumns(m: Creditmemo): Json {
    if (!m.header) m.header = memoColumns(m, this.orders.get(m.orderId));
    return m.header;
  }

  cartColumns(c: Cart): Json {
    return cartColumns(c, c.customerId !== null ? this.customers.get(c.customerId) : undefined);
  }

  customerColumns(c: Customer): Json {
    return customerColumns(c);
  }

  // ------------------------------------------------------------------ changes
  // Every change other code makes goes through a method here; its work is done in the module named.

  /** A generated customer with an address book (generate-customers.ts). */
  createCustomer(rng: Random, createdAt: number, updatedAt: number): Customer {
    return generateCustomers.createCustomer(this, rng, createdAt, updatedAt);
  }

  /** A generated order, state new (generate-orders.ts). */
  buildOrder(rng: Random, at: number, customer: Customer | null, storeIdForGuest: number, storeIdOverride?: number): Order {
    return generateOrders.buildOrder(this, rng, at, customer, storeIdForGuest, storeIdOverride);
  }

  scenarioFor(rng: Random, ageDays: number): generateOrders.OrderScenario {
    return generateOrders.scenarioFor(rng, ageDays);
  }

  applyScenario(rng: Random, o: Order, scenario: generateOrders.OrderScenario, created: number, limit: number) {
    generateOrders.applyScenario(this, rng, o, scenario, created, limit);
  }

  /** The inactive cart an order was converted from (generate-carts.ts). */
  convertedCart(order: Order, cartId: number, createdAt: string): Cart {
    return generateCarts.convertedCart(this, order, cartId, createdAt);
  }

  buildActiveCart(
    rng: Random,
    id: number,
    customer: Customer | null,
    storeIdForGuest: number,
    createdAt: number,
    updatedAt: number,
    withCheckout: boolean,
  ): Cart {
    return generateCarts.buildActiveCart(this, rng, id, customer, storeIdForGuest, createdAt, updatedAt, withCheckout);
  }

  /** Order life cycle (order-lifecycle.ts). */
  touchOrder(o: Order, at: number) {
    orderLifecycle.touchOrder(this, o, at);
  }

  invoice(o: Order, at: number) {
    orderLifecycle.invoice(this, o, at);
  }

  ship(o: Order, at: number) {
    orderLifecycle.ship(this, o, at);
  }

  cancel(o: Order, at: number) {
    orderLifecycle.cancel(this, o, at);
  }

  hold(o: Order, at: number) {
    orderLifecycle.hold(this, o, at);
  }

  refund(o: Order, at: number, lines: { item: OrderItem; qty: number }[], options: orderLifecycle.RefundOptions = {}): Creditmemo {
    return orderLifecycle.refund(this, o, at, lines, options);
  }

  partialRefund(rng: Random, o: Order, at: number): Creditmemo | undefined {
    return orderLifecycle.partialRefund(this, rng, o, at);
  }

  /** Carts over REST and checkout (checkout.ts). */
  cartForCustomer(customerId: number, storeId: number | null): number {
    return checkout.cartForCustomer(this, customerId, storeId);
  }

  addCartItem(cartId: number, sku: string, qty: number, options: { optionId: string; optionValue: number }[] = []): CartItem {
    return checkout.addCartItem(this, cartId, sku, qty, options);
  }

  updateCartItem(cartId: number, itemId: number, qty: number): CartItem {
    return checkout.updateCartItem(this, cartId, itemId, qty);
  }

  deleteCartItem(cartId: number, itemId: number) {
    checkout.deleteCartItem(this, cartId, itemId);
  }

  setPayment(cart: Cart, payment: { method: string; po_number?: string }) {
    checkout.setPayment(this, cart, payment);
  }

  placeOrder(cartId: number, payment: { method: string; po_number?: string } | undefined): Order {
    return checkout.placeOrder(this, cartId, payment);
  }

  deleteCart(id: number): boolean {
    return checkout.deleteCart(this, id);
  }

  /** Customer accounts (customer-accounts.ts). */
  replaceCustomer(id: number, sent: Json): Customer {
    return customerAccounts.replaceCustomer(this, id, sent);
  }

  createAccount(sent: Json, scope: { websiteId: number; storeId: number; storeName: string }): Customer {
    return customerAccounts.createAccount(this, sent, scope);
  }

  deleteCustomer(id: number): boolean {
    return customerAccounts.deleteCustomer(this, id);
  }

  /** The control API's overview (summary.ts). */
  state() {
    return storeSummary(this);
  }
}
