// The simulated Magento store: its records, id sequences, clock, and every change the REST
// routes and the control API make (place order, invoice/ship/refund, edit, delete …).
import {
  CHECKOUT_PAYMENT_METHODS, CITIES, COMPANIES, COUNTRY_BY_ID, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES,
  PAYMENT_METHODS, STORE_VIEWS, STREETS, viewCurrencies,
} from "./data";
import { MagentoError, entityMissing, noSuchEntity } from "./errors";
import { CARRIERS, convert, freeShippingThreshold, priceLine, refundShare, shippingRate, taxRateFor } from "./pricing";
import { Random } from "./random";
import { cartColumns, customerColumns, memoColumns, orderColumns, storeView } from "./render";
import type { Cart, CartItem, ChosenChild, Creditmemo, Customer, CustomerAddress, Json, Order, OrderItem, PostalAddress, Product } from "./types";
import { formatDate, incrementId, pad, roundCents, stripAccents } from "./util";

export type PushedOrder = { orderId: number; incrementId: string; cartId: number; customerId: number | null; grandTotal: number; at: string };
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

export type OrderScenario =
  | "pending" | "pending_payment" | "processing" | "processing_partial_refund" | "complete"
  | "complete_partial_refund" | "canceled" | "closed" | "holded";

/** A basket line: a simple product, or a configurable parent bought as one of its children. */
export type BasketLine = { product: Product; qty: number; child?: Product };

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

  constructor(readonly seed: number, readonly anchor: number, options: StoreOptions = {}) {
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

  // ------------------------------------------------------------------ people & addresses

  randomPerson(rng: Random, country: string) {
    const firstname = rng.pick(FIRST_NAMES[country] ?? FIRST_NAMES.US!);
    const lastname = rng.pick(LAST_NAMES[country] ?? LAST_NAMES.US!);
    return { firstname, lastname };
  }

  uniqueEmail(rng: Random, firstname: string, lastname: string, country: string): string {
    const local = stripAccents(`${firstname}.${lastname}`).toLowerCase().replace(/[^a-z.]+/g, "");
    const domain = country === "DE" || country === "AT" ? rng.pick(["example.de", "example.com"]) : country === "FR" ? rng.pick(["example.fr", "example.com"]) : rng.pick(EMAIL_DOMAINS.slice(0, 4));
    let email = `${local}@${domain}`;
    for (let n = rng.int(2, 99); this.emails.has(email); n++) email = `${local}${n}@${domain}`;
    return email;
  }

  randomPostal(rng: Random, country: string, person: { firstname: string; lastname: string }, email: string): PostalAddress {
    const cities = CITIES[country] ?? CITIES.US!;
    const [city, regionKey, prefix] = rng.pick(cities);
    const c = COUNTRY_BY_ID.get(country);
    const region = c?.regions?.find((r) => r.code === regionKey);
    const streetName = rng.pick(STREETS[country] ?? STREETS.US!);
    const number = rng.int(1, 250);
    const street = country === "US" || country === "GB" || country === "FR" || country === "LU" ? `${number} ${streetName}` : `${streetName} ${number}`;
    let postcode: string;
    if (country === "GB") postcode = `${prefix} ${rng.int(1, 9)}${String.fromCharCode(65 + rng.int(0, 25))}${String.fromCharCode(65 + rng.int(0, 25))}`;
    else if (country === "NL") postcode = `${prefix}${rng.int(10, 99)} ${String.fromCharCode(65 + rng.int(0, 25))}${String.fromCharCode(65 + rng.int(0, 25))}`;
    else if (country === "AT") postcode = `${prefix}${rng.int(10, 99)}`;
    else if (country === "DK" || country === "LU") postcode = `${prefix}${pad(rng.int(0, 10 ** (4 - prefix.length) - 1), 4 - prefix.length)}`;
    else postcode = `${prefix}${pad(rng.int(0, 10 ** (5 - prefix.length) - 1), 5 - prefix.length)}`;
    const telephone =
      country === "US" ? `(${rng.int(201, 989)}) 555-${pad(rng.int(0, 9999), 4)}`
      : country === "DE" ? `+49 ${rng.int(30, 89)} ${rng.int(1000000, 9999999)}`
      : country === "AT" ? `+43 ${rng.int(1, 9)} ${rng.int(100000, 999999)}`
      : country === "FR" ? `+33 ${rng.int(1, 9)} ${pad(rng.int(0, 99), 2)} ${pad(rng.int(0, 99), 2)} ${pad(rng.int(0, 99), 2)} ${pad(rng.int(0, 99), 2)}`
      : country === "GB" ? `+44 20 ${rng.int(1000, 9999)} ${rng.int(1000, 9999)}`
      : country === "DK" ? `+45 ${rng.int(20, 99)} ${pad(rng.int(0, 99), 2)} ${pad(rng.int(0, 99), 2)} ${pad(rng.int(0, 99), 2)}`
      : country === "LU" ? `+352 ${rng.int(20, 99)} ${pad(rng.int(0, 99), 2)} ${pad(rng.int(0, 99), 2)}`
      : `+31 ${rng.int(10, 99)} ${rng.int(1000000, 9999999)}`;
    const lines = rng.chance(0.1) ? [street, `Apt ${rng.int(1, 40)}`] : [street];
    return {
      firstname: person.firstname,
      lastname: person.lastname,
      street: lines,
      city,
      postcode,
      countryId: country,
      region: region?.name ?? regionKey,
      regionId: region?.id ?? 0,
      regionCode: region?.code ?? regionKey,
      telephone,
      email,
    };
  }

  toCustomerAddress(p: PostalAddress, id: number, customerId: number): CustomerAddress {
    const out: CustomerAddress = {
      id,
      customer_id: customerId,
      // No region in the directory and none typed in: Magento keeps both texts null.
      region: p.regionId === 0 && !p.region
        ? { region_code: null, region: null, region_id: 0 }
        : { region_code: p.regionCode, region: p.region, region_id: p.regionId },
      region_id: p.regionId,
      country_id: p.countryId,
      street: p.street.slice(),
      telephone: p.telephone,
      postcode: p.postcode,
      city: p.city,
      firstname: p.firstname,
      lastname: p.lastname,
    };
    if (p.company) out.company = p.company;
    return out;
  }

  fromCustomerAddress(a: CustomerAddress, email: string): PostalAddress {
    return {
      firstname: a.firstname,
      lastname: a.lastname,
      ...(a.company ? { company: a.company } : {}),
      street: a.street.slice(),
      city: a.city,
      postcode: a.postcode,
      countryId: a.country_id,
      region: a.region?.region ?? "",
      regionId: a.region_id ?? 0,
      regionCode: a.region?.region_code ?? "",
      telephone: a.telephone,
      email,
      customerAddressId: a.id,
    };
  }

  /** A customer's country by store view; about a third of the Europe website lives without regions (NL, DK, LU). */
  countryForStore(rng: Random, storeId: number): string {
    if (storeId === 2) return rng.weighted([["FR", 82], ["LU", 8], ["US", 3], ["GB", 3], ["NL", 4]]);
    if (storeId === 3) return rng.weighted([["DE", 50], ["AT", 15], ["NL", 20], ["DK", 10], ["LU", 5]]);
    return rng.weighted([["US", 84], ["GB", 7], ["NL", 4], ["DK", 2], ["DE", 3]]);
  }

  createCustomer(rng: Random, createdAt: number, updatedAt: number): Customer {
    this.changed();
    const storeId = rng.weighted([[1, 65], [2, 15], [3, 20]]);
    const view = storeView(storeId);
    const country = this.countryForStore(rng, storeId);
    const person = this.randomPerson(rng, country);
    const email = this.uniqueEmail(rng, person.firstname, person.lastname, country);
    const id = ++this.seq.customer;
    const groupId = rng.weighted([[1, 85], [2, 8], [3, 7]]);
    const addressCount = rng.weighted([[1, 60], [2, 30], [3, 10]]);
    const addresses: CustomerAddress[] = [];
    for (let i = 0; i < addressCount; i++) {
      const postal = this.randomPostal(rng, i === 0 ? country : rng.chance(0.8) ? country : this.countryForStore(rng, storeId), person, email);
      if (groupId === 2 && i === 0) postal.company = rng.pick(COMPANIES);
      const address = this.toCustomerAddress(postal, ++this.seq.address, id);
      addresses.push(address);
      this.addresses.set(address.id, address);
    }
    const billing = addresses[0]!;
    const shipping = addresses.length > 1 && rng.chance(0.25) ? addresses[1]! : billing;
    billing.default_billing = true;
    shipping.default_shipping = true;
    const customer: Customer = {
      id,
      group_id: groupId,
      default_billing: String(billing.id),
      default_shipping: String(shipping.id),
      created_at: formatDate(createdAt),
      updated_at: formatDate(updatedAt),
      created_in: view.name,
      email,
      firstname: person.firstname,
      lastname: person.lastname,
      store_id: storeId,
      website_id: view.websiteId,
      addresses,
      disable_auto_group_change: 0,
      extension_attributes: { is_subscribed: rng.chance(0.25) },
    };
    if (rng.chance(0.4)) {
      customer.dob = `${rng.int(1950, 2004)}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)}`;
    }
    if (rng.chance(0.6)) customer.gender = rng.weighted([[1, 45], [2, 45], [3, 10]]);
    if (groupId === 2 && rng.chance(0.6)) customer.taxvat = `${country}${rng.int(100000000, 999999999)}`;
    this.customers.set(id, customer);
    this.emails.set(email, id);
    return customer;
  }

  // ------------------------------------------------------------------ orders

  /**
   * Builds order lines (ids assigned) for products × qty in a store's currency. A configurable
   * line takes the child's SKU and two item ids (parent, then child), as Magento numbers them.
   * Without a given base price, the catalogue's (USD) price is converted to the base currency at `catalogueRate`.
   */
  orderLines(lines: { product: Product; qty: number; price?: number; basePrice?: number; child?: ChosenChild }[], rate: number, discountPercent: number, taxRate: number, catalogueRate = 1): OrderItem[] {
    return lines.map(({ product, qty, price, basePrice, child }) => {
      const base = basePrice ?? convert(product.priceCents, catalogueRate);
      const itemId = ++this.seq.orderItem;
      const item: OrderItem = {
        itemId,
        ...(child ? { child: { ...child, options: child.options.slice(), itemId: ++this.seq.orderItem } } : {}),
        quoteItemId: 0,
        productId: product.id,
        sku: child?.sku ?? product.sku,
        name: product.name,
        weight: product.weight,
        cost: product.costCents,
        qty,
        price: price ?? convert(base, rate),
        basePrice: base,
        discount: 0,
        baseDiscount: 0,
        discountPercent,
        tax: 0,
        baseTax: 0,
        taxRate,
        qtyInvoiced: 0,
        qtyShipped: 0,
        qtyCanceled: 0,
        qtyRefunded: 0,
      };
      Object.assign(item, priceLine(item));
      return item;
    });
  }

  touchOrder(o: Order, at: number) {
    this.changed();
    o.updatedAt = formatDate(Math.max(at, parseTs(o.updatedAt)));
    o.header = undefined;
  }

  invoice(o: Order, at: number) {
    this.changed();
    o.invoiced = true;
    for (const i of o.items) i.qtyInvoiced = i.qty;
    o.state = "processing";
    o.status = "processing";
    o.history.push({ comment: `Invoice #${o.incrementId} created.`, status: "processing", createdAt: formatDate(at), notified: 1, visible: 0 });
    this.touchOrder(o, at);
  }

  ship(o: Order, at: number) {
    this.changed();
    for (const i of o.items) i.qtyShipped = i.qty - i.qtyRefunded;
    o.state = "complete";
    o.status = "complete";
    o.history.push({ comment: "Shipment created.", status: "complete", createdAt: formatDate(at), notified: 1, visible: 1 });
    this.touchOrder(o, at);
  }

  cancel(o: Order, at: number) {
    this.changed();
    o.canceled = true;
    for (const i of o.items) i.qtyCanceled = i.qty;
    o.state = "canceled";
    o.status = "canceled";
    o.history.push({ comment: "Order canceled at the customer's request.", status: "canceled", createdAt: formatDate(at), notified: 1, visible: 1 });
    this.touchOrder(o, at);
  }

  hold(o: Order, at: number) {
    this.changed();
    o.holdBeforeState = o.state;
    o.holdBeforeStatus = o.status;
    o.state = "holded";
    o.status = "holded";
    o.history.push({ comment: "Order put on hold: waiting for the customer's reply.", status: "holded", createdAt: formatDate(at), notified: 0, visible: 0 });
    this.touchOrder(o, at);
  }

  /**
   * Refunds lines (qty per order item) plus optionally the shipping, with adjustments (base cents).
   * A refund of everything left closes the order; otherwise its state stays.
   */
  refund(o: Order, at: number, lines: { item: OrderItem; qty: number }[], options: { shipping?: boolean; adjustmentPositive?: number; adjustmentNegative?: number; comment?: string } = {}): Creditmemo {
    this.changed();
    const memoId = ++this.seq.memo;
    const items = [];
    const amounts = [];
    for (const { item, qty } of lines) {
      if (qty <= 0) continue;
      const before = item.qtyRefunded;
      amounts.push({
        row: item.price * qty,
        baseRow: item.basePrice * qty,
        discount: refundShare(item.discount, item.qty, before, qty),
        baseDiscount: refundShare(item.baseDiscount, item.qty, before, qty),
        tax: refundShare(item.tax, item.qty, before, qty),
        baseTax: refundShare(item.baseTax, item.qty, before, qty),
      });
      const entityId = ++this.seq.memoItem;
      // Magento refunds a configurable line with a memo item for the child too (zero amounts).
      items.push({ entityId, orderItemId: item.itemId, qty, backToStock: false, ...(item.child ? { childEntityId: ++this.seq.memoItem } : {}) });
      item.qtyRefunded += qty;
    }
    const alreadyShipping = o.creditmemoIds.reduce((acc, id) => acc + (this.memos.get(id)?.shipping ?? 0), 0);
    const baseAlreadyShipping = o.creditmemoIds.reduce((acc, id) => acc + (this.memos.get(id)?.baseShipping ?? 0), 0);
    const memo: Creditmemo = {
      entityId: memoId,
      incrementId: this.nextMemoIncrement(o.storeId),
      orderId: o.entityId,
      storeId: o.storeId,
      createdAt: formatDate(at),
      updatedAt: formatDate(at),
      items,
      lines: amounts,
      shipping: options.shipping ? o.shippingAmount - alreadyShipping : 0,
      baseShipping: options.shipping ? o.baseShippingAmount - baseAlreadyShipping : 0,
      adjustmentPositive: convert(options.adjustmentPositive ?? 0, o.rate),
      baseAdjustmentPositive: options.adjustmentPositive ?? 0,
      adjustmentNegative: convert(options.adjustmentNegative ?? 0, o.rate),
      baseAdjustmentNegative: options.adjustmentNegative ?? 0,
      ...(options.comment ? { comment: options.comment } : {}),
    };
    this.memos.set(memoId, memo);
    o.creditmemoIds.push(memoId);
    const everything = o.items.every((i) => i.qtyRefunded >= i.qty);
    if (everything) {
      o.state = "closed";
      o.status = "closed";
    }
    o.history.push({ comment: `We refunded ${o.currency === "EUR" ? "€" : "$"}${(memoTotal(memo) / 100).toFixed(2)} offline.`, status: o.status, createdAt: formatDate(at), notified: 0, visible: 0 });
    this.touchOrder(o, at);
    return memo;
  }

  /** Applies a life-cycle scenario to a fresh (state new) order, spreading its events after creation. */
  applyScenario(rng: Random, o: Order, scenario: OrderScenario, created: number, limit: number) {
    this.changed();
    const later = (minS: number, maxS: number, after: number) => {
      const t = after + rng.int(minS, maxS);
      return t <= limit ? t : Math.max(after, Math.min(limit, after + Math.floor((limit - after) * rng.next())));
    };
    const HOUR = 3600, DAY = 86400;
    switch (scenario) {
      case "pending":
        return;
      case "pending_payment":
        o.state = "pending_payment";
        o.status = "pending_payment";
        o.header = undefined;
        return;
      case "processing":
        this.invoice(o, later(60, 2 * DAY, created));
        return;
      case "processing_partial_refund": {
        const t1 = later(60, DAY, created);
        this.invoice(o, t1);
        this.partialRefund(rng, o, later(HOUR, 3 * DAY, t1));
        return;
      }
      case "complete": {
        const t1 = later(60, DAY, created);
        this.invoice(o, t1);
        this.ship(o, later(HOUR, 5 * DAY, t1));
        return;
      }
      case "complete_partial_refund": {
        const t1 = later(60, DAY, created);
        this.invoice(o, t1);
        const t2 = later(HOUR, 5 * DAY, t1);
        this.ship(o, t2);
        this.partialRefund(rng, o, later(DAY, 20 * DAY, t2));
        return;
      }
      case "canceled":
        this.cancel(o, later(HOUR, 3 * DAY, created));
        return;
      case "closed": {
        const t1 = later(60, DAY, created);
        this.invoice(o, t1);
        let t2 = t1;
        if (rng.chance(0.7)) {
          t2 = later(HOUR, 5 * DAY, t1);
          this.ship(o, t2);
        }
        this.refund(o, later(DAY, 25 * DAY, t2), o.items.map((item) => ({ item, qty: item.qty - item.qtyRefunded })), { shipping: true, comment: rng.pick(["Returned: wrong size.", "Customer changed their mind.", "Damaged in transit.", ""]) || undefined });
        return;
      }
      case "holded":
        if (rng.chance(0.5)) this.invoice(o, later(60, DAY, created));
        this.hold(o, later(HOUR, 2 * DAY, parseTs(o.updatedAt)));
        return;
    }
  }

  /** Refunds part of an order: some units of one or two lines, maybe a restocking fee or goodwill. */
  partialRefund(rng: Random, o: Order, at: number): Creditmemo | undefined {
    this.changed();
    const open = o.items.filter((i) => i.qtyRefunded < i.qty);
    if (open.length === 0) return undefined;
    const totalUnits = o.items.reduce((acc, i) => acc + i.qty, 0);
    const refundedUnits = o.items.reduce((acc, i) => acc + i.qtyRefunded, 0);
    const chosen = rng.sample(open, rng.int(1, Math.min(2, open.length)));
    const lines = chosen.map((item) => ({ item, qty: rng.int(1, item.qty - item.qtyRefunded) }));
    let units = lines.reduce((acc, l) => acc + l.qty, 0);
    // keep it partial: leave at least one unit unrefunded
    if (refundedUnits + units >= totalUnits) {
      const l = lines[0]!;
      l.qty -= 1;
      units -= 1;
      if (l.qty === 0) lines.shift();
      if (units === 0 || lines.length === 0) return undefined;
    }
    const baseRows = lines.reduce((acc, l) => acc + l.item.basePrice * l.qty, 0);
    const fee = rng.chance(0.3) ? Math.min(500, Math.floor(baseRows / 10)) : 0;
    const goodwill = fee === 0 && lines[0]!.item.discountPercent < 50 && rng.chance(0.15) ? 200 : 0;
    return this.refund(o, at, lines, { adjustmentNegative: fee, adjustmentPositive: goodwill, comment: fee ? "Restocking fee applied." : undefined });
  }

  scenarioFor(rng: Random, ageDays: number): OrderScenario {
    if (ageDays < 2) {
      return rng.weighted<OrderScenario>([["pending", 45], ["processing", 33], ["pending_payment", 3], ["holded", 4], ["canceled", 5], ["complete", 10]]);
    }
    if (ageDays < 14) {
      return rng.weighted<OrderScenario>([["pending", 8], ["processing", 27], ["complete", 45], ["canceled", 8], ["holded", 3], ["closed", 3], ["processing_partial_refund", 2], ["complete_partial_refund", 3], ["pending_payment", 1]]);
    }
    return rng.weighted<OrderScenario>([["complete", 73], ["canceled", 9], ["closed", 7], ["processing", 1], ["holded", 1], ["complete_partial_refund", 5], ["processing_partial_refund", 1], ["pending", 2], ["pending_payment", 1]]);
  }

  /**
   * Picks the products and quantities of a basket: simple products, and in about a fifth of the
   * baskets one configurable product bought in one of its sizes / colours.
   */
  randomBasket(rng: Random, inStockOnly: boolean): BasketLine[] {
    const { simple, configurable } = this.sellable();
    const pool = inStockOnly ? simple.filter((p) => p.qty > 5) : simple;
    const count = rng.weighted([[1, 45], [2, 30], [3, 15], [4, 10]]);
    const withConfigurable = configurable.length > 0 && rng.chance(0.2);
    const lines: BasketLine[] = rng.sample(pool, withConfigurable ? count - 1 : count).map((product) => ({ product, qty: rng.weighted([[1, 75], [2, 18], [3, 7]]) }));
    if (withConfigurable) {
      const parent = rng.pick(configurable);
      const children = this.childrenOf(parent).filter((c) => !inStockOnly || c.qty > 5);
      if (children.length > 0) lines.push({ product: parent, child: rng.pick(children), qty: rng.weighted([[1, 80], [2, 15], [3, 5]]) });
    }
    if (lines.length === 0) lines.push({ product: rng.pick(pool.length ? pool : simple), qty: 1 });
    return lines;
  }

  /** A new order (state new, status pending) from a generated basket; quote ids are set by the caller. */
  buildOrder(rng: Random, at: number, customer: Customer | null, storeIdForGuest: number, storeIdOverride?: number): Order {
    this.changed();
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
      shippingAddress = ship ? this.fromCustomerAddress(ship, email) : this.randomPostal(rng, this.countryForStore(rng, storeId), person, email);
      billingAddress = bill ? this.fromCustomerAddress(bill, email) : shippingAddress;
    } else {
      const country = this.countryForStore(rng, storeId);
      person = this.randomPerson(rng, country);
      email = this.uniqueEmail(rng, person.firstname, person.lastname, country);
      shippingAddress = this.randomPostal(rng, country, person, email);
      billingAddress = shippingAddress;
    }
    const coupon = rng.weighted<[string, number] | null>([[null, 85], [["SAVE10", 10], 11], [["WELCOME15", 15], 3.7], [["FREEORDER", 100], 0.3]]);
    const discountPercent = coupon ? coupon[1] : 0;
    const taxRate = taxRateFor(shippingAddress);
    const items = this.orderLines(this.randomBasket(rng, false).map(basketLine), rate, discountPercent, taxRate, currencies.catalogueRate);
    const baseSubtotal = items.reduce((acc, i) => acc + i.basePrice * i.qty, 0);
    let carrier = rng.weighted([["flatrate", 60], ["tablerate", 40]]);
    if (baseSubtotal >= freeShippingThreshold(currencies.catalogueRate) && rng.chance(0.6)) carrier = "freeshipping";
    if (discountPercent === 100) carrier = "freeshipping";
    const rateInfo = discountPercent === 100
      ? { carrierCode: "freeshipping", ...CARRIERS.freeshipping!, baseAmount: 0 }
      : shippingRate(items, carrier, CARRIERS[carrier]!.methodCode, currencies.catalogueRate)!;
    const paymentMethod = discountPercent === 100 ? "free" : rng.weighted([["checkmo", 40], ["banktransfer", 27], ["purchaseorder", 15], ["cashondelivery", 18]]);
    const entityId = ++this.seq.order;
    const order: Order = {
      entityId,
      incrementId: this.nextOrderIncrement(storeId),
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
    if (rng.chance(0.03)) order.customerNote = rng.pick(["Please leave at the back door.", "Gift - no invoice in the parcel please.", "Call before delivery."]);
    this.orders.set(entityId, order);
    return order;
  }

  /** The inactive cart an order was converted from. */
  convertedCart(order: Order, cartId: number, createdAt: string): Cart {
    this.changed();
    const items: CartItem[] = order.items.map((i) => {
      const itemId = ++this.seq.cartItem;
      i.quoteItemId = itemId;
      return {
        itemId, productId: i.productId, sku: i.sku, name: i.name, qty: i.qty, price: i.price, basePrice: i.basePrice, weight: i.weight,
        ...(i.child ? { child: { productId: i.child.productId, sku: i.child.sku, name: i.child.name, options: i.child.options.slice() } } : {}),
      };
    });
    const [carrier, method] = splitMethod(order.shippingMethod);
    const cart: Cart = {
      id: cartId,
      storeId: order.storeId,
      customerId: order.customerId,
      isGuest: order.isGuest,
      ...(order.isGuest ? { guest: { email: order.email, firstname: order.firstname, lastname: order.lastname } } : {}),
      createdAt,
      updatedAt: order.createdAt,
      isActive: false,
      reservedOrderId: order.incrementId,
      orderId: order.entityId,
      currency: order.currency,
      rate: order.rate,
      items,
      billing: order.billingAddress,
      shippingAddress: order.shippingAddress,
      shippingMethod: { carrier, method },
      payment: { method: order.paymentMethod, ...(order.poNumber ? { poNumber: order.poNumber } : {}) },
      ...(order.couponCode ? { couponCode: order.couponCode, couponPercent: order.items[0]?.discountPercent ?? 0 } : {}),
    };
    order.quoteId = cartId;
    order.header = undefined;
    this.carts.set(cartId, cart);
    return cart;
  }

  /** A new active cart (customer or guest) with a few items; `withCheckout` also sets address and method. */
  buildActiveCart(rng: Random, id: number, customer: Customer | null, storeIdForGuest: number, createdAt: number, updatedAt: number, withCheckout: boolean): Cart {
    this.changed();
    const storeId = customer ? customer.store_id : storeIdForGuest;
    const view = storeView(storeId);
    const currencies = viewCurrencies(storeId);
    const rate = currencies.orderRate;
    const items: CartItem[] = this.randomBasket(rng, true).map(({ product, qty, child }) => ({
      itemId: ++this.seq.cartItem,
      productId: product.id,
      ...(child ? { child: chosenChild(child) } : {}),
      sku: child?.sku ?? product.sku,
      name: product.name,
      qty,
      price: convert(convert(product.priceCents, currencies.catalogueRate), rate),
      basePrice: convert(product.priceCents, currencies.catalogueRate),
      weight: product.weight,
    }));
    let guest: Cart["guest"];
    let address: PostalAddress | undefined;
    if (customer) {
      const a = customer.addresses.find((x) => String(x.id) === customer.default_shipping) ?? customer.addresses[0];
      if (a) address = this.fromCustomerAddress(a, customer.email);
    } else {
      const country = this.countryForStore(rng, storeId);
      const person = this.randomPerson(rng, country);
      guest = { email: this.uniqueEmail(rng, person.firstname, person.lastname, country), ...person };
      address = this.randomPostal(rng, country, person, guest.email);
    }
    const cart: Cart = {
      id,
      storeId,
      customerId: customer?.id ?? null,
      isGuest: !customer,
      ...(guest ? { guest } : {}),
      createdAt: formatDate(createdAt),
      updatedAt: formatDate(updatedAt),
      isActive: true,
      reservedOrderId: null,
      currency: view.currency,
      rate,
      items,
    };
    if (withCheckout && address) {
      cart.shippingAddress = address;
      cart.billing = address;
      cart.shippingMethod = rng.chance(0.6) ? { carrier: "flatrate", method: "flatrate" } : { carrier: "tablerate", method: "bestway" };
    }
    this.carts.set(id, cart);
    if (customer) this.activeCartByCustomer.set(customer.id, id);
    return cart;
  }

  // ------------------------------------------------------------------ REST-driven changes

  /** POST /V1/customers/{id}/carts: the customer's active cart, or a new empty one. */
  cartForCustomer(customerId: number, storeId: number | null): number {
    this.changed();
    const customer = this.getCustomer(customerId);
    const existing = this.activeCartByCustomer.get(customerId);
    if (existing !== undefined && this.carts.get(existing)?.isActive) return existing;
    const at = formatDate(this.now());
    const sid = storeId && storeId > 0 ? storeId : customer.store_id;
    const view = storeView(sid);
    const id = ++this.seq.cart;
    const cart: Cart = {
      id, storeId: sid, customerId, isGuest: false, createdAt: at, updatedAt: at, isActive: true, reservedOrderId: null,
      currency: view.currency, rate: viewCurrencies(sid).orderRate, items: [],
    };
    this.carts.set(id, cart);
    this.activeCartByCustomer.set(customerId, id);
    this.pushed.cartChanges.push({ cartId: id, action: "create", detail: { customerId }, at });
    return id;
  }

  /**
   * POST /V1/carts/{id}/items. A configurable parent needs its configurable_item_options (attribute
   * id → option id) to pick a child; a child's own SKU is added as a plain simple product.
   */
  addCartItem(cartId: number, sku: string, qty: number, options: { optionId: string; optionValue: number }[] = []): CartItem {
    this.changed();
    const cart = this.getActiveCart(cartId);
    const product = this.product(sku);
    if (!product) throw new MagentoError(404, "The product that was requested doesn't exist. Verify the product and try again.");
    let child: Product | undefined;
    if (product.type === "configurable") {
      child = this.childrenOf(product).find((c) => {
        const own = c.options ?? [];
        return own.length > 0 && own.every((o) => options.some((x) => x.optionId === String(o.attributeId) && x.optionValue === o.valueIndex));
      });
      if (!child) throw new MagentoError(400, "You need to choose options for your item.");
    }
    const stock = child ?? product;
    const existing = cart.items.find((i) => i.productId === product.id && i.child?.productId === child?.id);
    const wanted = qty + (existing?.qty ?? 0);
    if (stock.qty <= 0 || wanted > stock.qty) throw new MagentoError(400, "The requested qty is not available");
    const at = this.now();
    let item: CartItem;
    if (existing) {
      existing.qty = wanted;
      item = existing;
    } else {
      item = {
        itemId: ++this.seq.cartItem, productId: product.id, ...(child ? { child: chosenChild(child) } : {}), sku: stock.sku, name: product.name, qty,
        price: convert(convert(product.priceCents, viewCurrencies(cart.storeId).catalogueRate), cart.rate),
        basePrice: convert(product.priceCents, viewCurrencies(cart.storeId).catalogueRate), weight: product.weight,
      };
      cart.items.push(item);
    }
    cart.updatedAt = formatDate(at);
    this.pushed.cartChanges.push({ cartId, action: "add_item", detail: { sku: product.sku, qty, itemId: item.itemId }, at: cart.updatedAt });
    return item;
  }

  updateCartItem(cartId: number, itemId: number, qty: number): CartItem {
    this.changed();
    const cart = this.getActiveCart(cartId);
    const item = cart.items.find((i) => i.itemId === itemId);
    if (!item) throw new MagentoError(404, "The %1 Cart doesn't contain the %2 item.", [String(cartId), String(itemId)]);
    const product = this.stockProduct(item);
    if (product && (product.qty <= 0 || qty > product.qty)) throw new MagentoError(400, "The requested qty is not available");
    item.qty = qty;
    cart.updatedAt = formatDate(this.now());
    this.pushed.cartChanges.push({ cartId, action: "update_item", detail: { itemId, qty }, at: cart.updatedAt });
    return item;
  }

  deleteCartItem(cartId: number, itemId: number) {
    this.changed();
    const cart = this.getActiveCart(cartId);
    const idx = cart.items.findIndex((i) => i.itemId === itemId);
    if (idx < 0) throw new MagentoError(404, "The %1 Cart doesn't contain the %2 item.", [String(cartId), String(itemId)]);
    cart.items.splice(idx, 1);
    cart.updatedAt = formatDate(this.now());
    this.pushed.cartChanges.push({ cartId, action: "delete_item", detail: { itemId }, at: cart.updatedAt });
  }

  /** PUT /V1/carts/{id}/order. Returns the new order's entity_id. */
  placeOrder(cartId: number, payment: { method: string; po_number?: string } | undefined): Order {
    this.changed();
    const cart = this.getActiveCart(cartId);
    if (cart.items.length === 0) {
      throw new MagentoError(400, "Unable to place order: %1", ["The cart is empty. Add items to the cart and try again."]);
    }
    if (payment) this.setPayment(cart, payment);
    if (!cart.shippingAddress) {
      throw new MagentoError(400, "Unable to place order: %1", ["The shipping address is missing. Set the address and try again."]);
    }
    if (!cart.shippingMethod) throw new MagentoError(400, "The shipping method is missing. Select the shipping method and try again.");
    const rate = shippingRate(cart.items, cart.shippingMethod.carrier, cart.shippingMethod.method, viewCurrencies(cart.storeId).catalogueRate);
    if (!rate) throw new MagentoError(400, "The shipping method is missing. Select the shipping method and try again.");
    if (!cart.payment) throw new MagentoError(400, "Enter a valid payment method and try again.");
    for (const item of cart.items) {
      const product = this.stockProduct(item);
      if (!product || product.qty < item.qty) throw new MagentoError(400, "The requested qty is not available");
    }
    const customer = cart.customerId !== null ? this.customers.get(cart.customerId) : undefined;
    const at = this.now();
    const taxRate = taxRateFor(cart.shippingAddress);
    const entityId = ++this.seq.order;
    const items: OrderItem[] = cart.items.map((ci) => {
      const product = this.productById(ci.productId)!;
      const [line] = this.orderLines([{ product, qty: ci.qty, price: ci.price, basePrice: ci.basePrice, ...(ci.child ? { child: ci.child } : {}) }], cart.rate, cart.couponPercent ?? 0, taxRate);
      line!.quoteItemId = ci.itemId;
      line!.name = ci.name;
      return line!;
    });
    const email = customer?.email ?? cart.guest?.email ?? cart.shippingAddress.email;
    const order: Order = {
      entityId,
      incrementId: this.nextOrderIncrement(cart.storeId),
      quoteId: cart.id,
      storeId: cart.storeId,
      customerId: customer?.id ?? null,
      isGuest: !customer,
      groupId: customer?.group_id ?? 0,
      email,
      firstname: customer?.firstname ?? cart.guest?.firstname ?? cart.shippingAddress.firstname,
      lastname: customer?.lastname ?? cart.guest?.lastname ?? cart.shippingAddress.lastname,
      ...(customer?.dob ? { dob: customer.dob } : {}),
      ...(customer?.gender !== undefined ? { gender: customer.gender } : {}),
      createdAt: formatDate(at),
      updatedAt: formatDate(at),
      state: "new",
      status: "pending",
      currency: cart.currency,
      rate: cart.rate,
      items,
      billingAddress: { ...(cart.billing ?? cart.shippingAddress), email },
      shippingAddress: { ...cart.shippingAddress, email },
      shippingMethod: `${rate.carrierCode}_${rate.methodCode}`,
      shippingDescription: `${rate.carrierTitle} - ${rate.methodTitle}`,
      shippingAmount: convert(rate.baseAmount, cart.rate),
      baseShippingAmount: rate.baseAmount,
      paymentMethod: cart.payment.method,
      ...(cart.payment.poNumber ? { poNumber: cart.payment.poNumber } : {}),
      ...(cart.couponCode ? { couponCode: cart.couponCode } : {}),
      invoiced: false,
      canceled: false,
      creditmemoIds: [],
      remoteIp: "127.0.0.1",
      protectCode: this.rng.hex(6),
      history: [],
    };
    this.orders.set(entityId, order);
    for (const item of cart.items) {
      const product = this.stockProduct(item)!;
      product.qty -= item.qty;
      product.updatedAt = formatDate(at);
    }
    cart.isActive = false;
    cart.reservedOrderId = order.incrementId;
    cart.orderId = entityId;
    cart.updatedAt = formatDate(at);
    if (cart.customerId !== null && this.activeCartByCustomer.get(cart.customerId) === cart.id) this.activeCartByCustomer.delete(cart.customerId);
    this.pushed.placedOrders.push({
      orderId: entityId, incrementId: order.incrementId, cartId: cart.id, customerId: order.customerId,
      grandTotal: Number(this.orderColumns(order).grand_total), at: order.createdAt,
    });
    return order;
  }

  setPayment(cart: Cart, payment: { method: string; po_number?: string }) {
    this.changed();
    const method = payment.method;
    const allowed: readonly string[] = CHECKOUT_PAYMENT_METHODS;
    if (!allowed.includes(method) && !(method === "free" && this.cartGrandIsZero(cart))) {
      throw new MagentoError(400, "The requested Payment Method is not available.");
    }
    if (method === "purchaseorder" && !payment.po_number) throw new MagentoError(400, "Purchase order number is a required field.");
    cart.payment = { method, ...(payment.po_number ? { poNumber: payment.po_number } : {}) };
    cart.updatedAt = formatDate(this.now());
    this.pushed.cartChanges.push({ cartId: cart.id, action: "payment_method", detail: { method }, at: cart.updatedAt });
  }

  private cartGrandIsZero(cart: Cart): boolean {
    return cart.items.every((i) => i.price === 0) || cart.couponPercent === 100;
  }

  /** PUT /V1/customers/{id}: the sent object replaces the customer (addresses kept when not sent). */
  replaceCustomer(id: number, sent: Json): Customer {
    this.changed();
    const before = this.getCustomer(id);
    const at = formatDate(this.now());
    const email = String(sent.email);
    const websiteId = typeof sent.website_id === "number" ? sent.website_id : before.website_id;
    const owner = this.emails.get(email.toLowerCase()) ?? this.emails.get(email);
    if (owner !== undefined && owner !== id && this.customers.get(owner)?.website_id === websiteId) {
      throw new MagentoError(400, "A customer with the same email address already exists in an associated website.");
    }
    const after: Customer = {
      id,
      group_id: typeof sent.group_id === "number" ? sent.group_id : before.group_id,
      created_at: before.created_at,
      updated_at: at,
      created_in: typeof sent.created_in === "string" ? sent.created_in : before.created_in,
      email,
      firstname: String(sent.firstname),
      lastname: String(sent.lastname),
      store_id: typeof sent.store_id === "number" ? sent.store_id : before.store_id,
      website_id: websiteId,
      addresses: before.addresses,
      disable_auto_group_change: typeof sent.disable_auto_group_change === "number" ? sent.disable_auto_group_change : 0,
      extension_attributes: { ...before.extension_attributes },
    };
    for (const key of ["dob", "middlename", "prefix", "suffix", "taxvat", "confirmation"] as const) {
      if (typeof sent[key] === "string" && sent[key] !== "") after[key] = sent[key] as string;
    }
    if (typeof sent.gender === "number") after.gender = sent.gender;
    if (Array.isArray(sent.custom_attributes)) after.custom_attributes = sent.custom_attributes as Customer["custom_attributes"];
    if (Array.isArray(sent.addresses)) {
      for (const a of before.addresses) this.addresses.delete(a.id);
      after.addresses = (sent.addresses as Json[]).map((raw) => this.addressFromInput(raw, id));
      for (const a of after.addresses) this.addresses.set(a.id, a);
    }
    const billing = after.addresses.find((a) => a.default_billing) ?? (typeof sent.default_billing === "string" ? after.addresses.find((a) => String(a.id) === sent.default_billing) : undefined) ?? (Array.isArray(sent.addresses) ? undefined : after.addresses.find((a) => String(a.id) === before.default_billing));
    const shipping = after.addresses.find((a) => a.default_shipping) ?? (typeof sent.default_shipping === "string" ? after.addresses.find((a) => String(a.id) === sent.default_shipping) : undefined) ?? (Array.isArray(sent.addresses) ? undefined : after.addresses.find((a) => String(a.id) === before.default_shipping));
    if (billing) after.default_billing = String(billing.id);
    if (shipping) after.default_shipping = String(shipping.id);
    const ext = sent.extension_attributes;
    const wasSubscribed = before.extension_attributes.is_subscribed === true;
    if (ext && typeof ext === "object" && typeof (ext as Json).is_subscribed === "boolean") {
      after.extension_attributes.is_subscribed = (ext as Json).is_subscribed as boolean;
    }
    const nowSubscribed = after.extension_attributes.is_subscribed === true;
    this.emails.delete(before.email);
    this.emails.set(after.email, id);
    const snapshot = structuredClone(before) as Json;
    this.customers.set(id, after);
    this.pushed.customerUpdates.push({ customerId: id, before: snapshot, after: structuredClone(after) as Json, at });
    if (wasSubscribed !== nowSubscribed) {
      this.pushed.subscriptionChanges.push({ customerId: id, email: after.email, from: wasSubscribed, to: nowSubscribed, at });
    }
    return after;
  }

  /**
   * POST /V1/customers (AccountManagement::createAccount): a new customer in the given website and
   * store view, in the website's default group unless one is sent. The email must be unused in
   * that website (customer accounts are shared per website).
   */
  createAccount(sent: Json, scope: { websiteId: number; storeId: number; storeName: string }): Customer {
    const email = String(sent.email);
    const websiteId = typeof sent.website_id === "number" && sent.website_id > 0 ? sent.website_id : scope.websiteId;
    const taken = [...this.customers.values()].some((c) => c.website_id === websiteId && c.email.toLowerCase() === email.toLowerCase());
    if (taken) throw new MagentoError(400, "A customer with the same email address already exists in an associated website.");
    this.changed();
    const id = ++this.seq.customer;
    const at = formatDate(this.now());
    const customer: Customer = {
      id,
      group_id: typeof sent.group_id === "number" && sent.group_id > 0 ? sent.group_id : 1,
      created_at: at,
      updated_at: at,
      created_in: scope.storeName,
      email,
      firstname: String(sent.firstname),
      lastname: String(sent.lastname),
      store_id: typeof sent.store_id === "number" && sent.store_id > 0 ? sent.store_id : scope.storeId,
      website_id: websiteId,
      addresses: [],
      disable_auto_group_change: typeof sent.disable_auto_group_change === "number" ? sent.disable_auto_group_change : 0,
      extension_attributes: { is_subscribed: false },
    };
    for (const key of ["dob", "middlename", "prefix", "suffix", "taxvat"] as const) {
      if (typeof sent[key] === "string" && sent[key] !== "") customer[key] = sent[key] as string;
    }
    if (typeof sent.gender === "number") customer.gender = sent.gender;
    if (Array.isArray(sent.addresses)) {
      // New account: every address is new (ids sent by the caller are not this customer's).
      customer.addresses = (sent.addresses as Json[]).map((raw) => this.addressFromInput({ ...raw, id: undefined }, id));
      for (const a of customer.addresses) this.addresses.set(a.id, a);
    }
    const billing = customer.addresses.find((a) => a.default_billing);
    const shipping = customer.addresses.find((a) => a.default_shipping);
    if (billing) customer.default_billing = String(billing.id);
    if (shipping) customer.default_shipping = String(shipping.id);
    const ext = sent.extension_attributes;
    if (ext && typeof ext === "object" && (ext as Json).is_subscribed === true) {
      customer.extension_attributes.is_subscribed = true;
      this.pushed.subscriptionChanges.push({ customerId: id, email, from: false, to: true, at });
    }
    this.customers.set(id, customer);
    if (!this.emails.has(email)) this.emails.set(email, id);
    this.pushed.registrations.push({ customerId: id, email, websiteId, at });
    return customer;
  }

  private addressFromInput(raw: Json, customerId: number): CustomerAddress {
    const region = (raw.region ?? {}) as Json;
    const idIn = typeof raw.id === "number" ? raw.id : undefined;
    const id = idIn !== undefined && (this.addresses.get(idIn)?.customer_id === customerId) ? idIn : ++this.seq.address;
    const regionId = typeof raw.region_id === "number" ? raw.region_id : typeof region.region_id === "number" ? region.region_id : 0;
    const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
    // A known region id fills in its code and name, as Magento's directory does; no region stays null.
    const known = regionId > 0 ? COUNTRY_BY_ID.get(String(raw.country_id ?? ""))?.regions?.find((r) => r.id === regionId) : undefined;
    const out: CustomerAddress = {
      id,
      customer_id: customerId,
      region: {
        region_code: known?.code ?? text(region.region_code),
        region: known?.name ?? text(region.region),
        region_id: regionId,
      },
      region_id: regionId,
      country_id: String(raw.country_id ?? ""),
      street: Array.isArray(raw.street) ? raw.street.map(String) : [],
      telephone: String(raw.telephone ?? ""),
      postcode: String(raw.postcode ?? ""),
      city: String(raw.city ?? ""),
      firstname: String(raw.firstname ?? ""),
      lastname: String(raw.lastname ?? ""),
    };
    if (typeof raw.company === "string") out.company = raw.company;
    if (raw.default_billing === true) out.default_billing = true;
    if (raw.default_shipping === true) out.default_shipping = true;
    return out;
  }

  deleteCustomer(id: number) {
    this.changed();
    const c = this.customers.get(id);
    if (!c) return false;
    this.customers.delete(id);
    this.emails.delete(c.email);
    for (const a of c.addresses) this.addresses.delete(a.id);
    const cartId = this.activeCartByCustomer.get(id);
    if (cartId !== undefined) {
      this.carts.delete(cartId);
      this.activeCartByCustomer.delete(id);
    }
    // sales_order.customer_id is ON DELETE SET NULL: the orders stay, without the link.
    for (const o of this.orders.values()) {
      if (o.customerId === id) {
        o.customerId = null;
        o.header = undefined;
      }
    }
    return true;
  }

  deleteCart(id: number) {
    this.changed();
    const c = this.carts.get(id);
    if (!c) return false;
    this.carts.delete(id);
    if (c.customerId !== null && this.activeCartByCustomer.get(c.customerId) === id) this.activeCartByCustomer.delete(c.customerId);
    return true;
  }

  // ------------------------------------------------------------------ summaries

  state() {
    const byState: Record<string, number> = {};
    let lastOrderUpdate = "";
    for (const o of this.orders.values()) {
      byState[o.state] = (byState[o.state] ?? 0) + 1;
      if (o.updatedAt > lastOrderUpdate) lastOrderUpdate = o.updatedAt;
    }
    let active = 0, guestActive = 0;
    for (const c of this.carts.values()) {
      if (c.isActive) {
        active++;
        if (c.isGuest) guestActive++;
      }
    }
    let subscribed = 0;
    for (const c of this.customers.values()) if (c.extension_attributes.is_subscribed) subscribed++;
    return {
      seed: this.seed,
      clock: formatDate(Math.max(this.lastTs, Math.floor(Date.now() / 1000) + this.clockOffset)),
      stores: STORE_VIEWS.map((s) => s.code),
      customers: this.customers.size,
      subscribedCustomers: subscribed,
      addresses: this.addresses.size,
      products: this.products.length,
      carts: { total: this.carts.size, active, inactive: this.carts.size - active, guestActive },
      orders: { total: this.orders.size, byState, lastUpdatedAt: lastOrderUpdate },
      creditmemos: this.memos.size,
      paymentMethods: Object.keys(PAYMENT_METHODS),
    };
  }
}

/** The child a configurable line was bought as, as order and quote items keep it. */
export function chosenChild(child: Product): ChosenChild {
  return { productId: child.id, sku: child.sku, name: child.name, options: (child.options ?? []).map((o) => ({ ...o })) };
}

function basketLine(line: BasketLine) {
  return { product: line.product, qty: line.qty, ...(line.child ? { child: chosenChild(line.child) } : {}) };
}

export function parseTs(text: string): number {
  return Math.floor(Date.parse(`${text.replace(" ", "T")}Z`) / 1000);
}

export function splitMethod(code: string): [string, string] {
  const idx = code.indexOf("_");
  return idx < 0 ? [code, code] : [code.slice(0, idx), code.slice(idx + 1)];
}

function memoTotal(m: Creditmemo): number {
  let total = m.shipping + m.adjustmentPositive - m.adjustmentNegative;
  for (const l of m.lines) total += l.row + l.tax - l.discount;
  return roundCents(total);
}
