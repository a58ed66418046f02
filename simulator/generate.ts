// Builds a deterministic store from a seed: products (simple ones and configurable families),
// customers with address books, ~3 years of orders in every state (with credit memos), the carts
// they came from, and open carts.
import { CONFIGURABLE_ATTRIBUTES, CONFIGURABLE_KINDS, PRODUCT_ADJECTIVES, PRODUCT_KINDS } from "./data";
import { Random } from "./random";
import { MagentoStore } from "./store";
import type { Customer, OptionValue, Order, Product } from "./types";
import { formatDate, pad } from "./util";

export type GenerateOptions = {
  seed?: number;
  customers?: number;
  orders?: number;
  products?: number;
  /** "Now" of the generated history (epoch seconds). Default: the start of the current UTC day. */
  now?: number;
  /** Schema-only answers instead of Magento's nulls (see StoreOptions); the records are the same. */
  strictSchema?: boolean;
};

/** Names of the configurable families (invented, one word before the noun). */
const FAMILY_NAMES = ["Kestrel", "Lynx", "Osprey", "Marlin", "Falcon", "Heron", "Puffin", "Otter", "Bison", "Ibex", "Condor", "Wren"];

const DAY = 86400;

export function defaultAnchor(): number {
  const d = new Date();
  return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) / 1000);
}

export function generateStore(options: GenerateOptions = {}): MagentoStore {
  const seed = options.seed ?? 42;
  const customerCount = options.customers ?? 2000;
  const orderCount = options.orders ?? 10000;
  const productCount = options.products ?? 200;
  const anchor = options.now ?? defaultAnchor();
  const store = new MagentoStore(seed, anchor, { strictSchema: options.strictSchema ?? false });
  const rng = new Random(seed);
  // Catalogue details beyond the simple products (costs, configurable families) draw from their own stream.
  const catalogueRng = new Random(`${seed}:catalogue`);

  // --- catalogue
  const catalogueStart = anchor - 5 * 365 * DAY;
  for (let i = 0; i < productCount; i++) {
    const kindIndex = i % PRODUCT_KINDS.length;
    const [noun, prefix, min, max, weight] = PRODUCT_KINDS[kindIndex]!;
    const adjective = PRODUCT_ADJECTIVES[Math.floor(i / PRODUCT_KINDS.length) % PRODUCT_ADJECTIVES.length]!;
    const dollars = rng.int(min, max);
    const cents = rng.pick([0, 99, 50, 95, 0, 99]);
    const id = i + 1;
    const created = catalogueStart + rng.int(0, 700) * DAY;
    const product: Product = {
      id,
      sku: `${prefix}${pad(Math.floor(i / PRODUCT_KINDS.length) + 1, 2)}-${pad(id, 3)}`,
      name: `${adjective} ${noun}${i >= PRODUCT_KINDS.length * PRODUCT_ADJECTIVES.length ? ` ${Math.floor(i / (PRODUCT_KINDS.length * PRODUCT_ADJECTIVES.length)) + 1}` : ""}`,
      priceCents: dollars * 100 + cents,
      weight,
      qty: rng.chance(0.06) ? 0 : rng.int(6, 500),
      createdAt: formatDate(created),
      updatedAt: formatDate(created + rng.int(0, Math.max(1, anchor - created - DAY))),
      kind: kindIndex,
      type: "simple",
      // Most stores never fill in the cost attribute: Magento then sends base_cost null.
      costCents: catalogueRng.chance(0.35) ? Math.round((dollars * 100 + cents) * 0.45) : null,
    };
    store.addProduct(product);
  }
  const families = productCount === 0 ? 0 : Math.max(1, Math.round(productCount / 25));
  for (let f = 0; f < families; f++) addFamily(store, catalogueRng, f, catalogueStart, anchor);

  // --- customers, ids in sign-up order
  const customerTimes: number[] = [];
  for (let i = 0; i < customerCount; i++) customerTimes.push(anchor - 4 * 365 * DAY + rng.int(0, 4 * 365 * DAY - 3600));
  customerTimes.sort((a, b) => a - b);
  const customers: Customer[] = customerTimes.map((t) =>
    store.createCustomer(rng, t, Math.min(anchor - 60, t + (rng.chance(0.5) ? rng.int(0, anchor - t) : rng.int(0, 600)))),
  );

  // --- orders, ids in time order
  const orderTimes: number[] = [];
  for (let i = 0; i < orderCount; i++) orderTimes.push(anchor - 3 * 365 * DAY + rng.int(0, 3 * 365 * DAY - 600));
  orderTimes.sort((a, b) => a - b);
  let signedUp = 0;
  const orders: Order[] = [];
  for (const t of orderTimes) {
    while (signedUp < customerTimes.length && customerTimes[signedUp]! <= t) signedUp++;
    const registered = signedUp > 0 && rng.chance(0.78);
    const customer = registered ? customers[rng.int(0, signedUp - 1)]! : null;
    const order = store.buildOrder(
      rng,
      t,
      customer,
      rng.weighted([
        [1, 70],
        [2, 15],
        [3, 15],
      ]),
    );
    const scenario = store.scenarioFor(rng, (anchor - t) / DAY);
    store.applyScenario(rng, order, scenario, t, anchor - 1);
    orders.push(order);
  }

  // --- carts: one converted cart per order, open carts of customers and guests; ids in time order
  type Stub = { at: number; order?: Order; customer?: Customer | null; guestStore?: number; updated?: number; checkout?: boolean };
  const stubs: Stub[] = [];
  for (const order of orders) {
    const placed = Date.parse(`${order.createdAt.replace(" ", "T")}Z`) / 1000;
    stubs.push({ at: placed - rng.int(120, 3 * 3600), order });
  }
  for (const customer of customers) {
    if (!rng.chance(0.18)) continue;
    const created = Date.parse(`${customer.created_at.replace(" ", "T")}Z`) / 1000;
    const abandoned = rng.chance(0.6);
    // Recent carts reach back two weeks so, with the older ones, idle times run on without a gap
    // (the Abandoned Carts report's age buckets all fill on the demo store).
    const updated = abandoned ? anchor - rng.int(14 * DAY, 120 * DAY) : anchor - rng.int(600, 14 * DAY);
    const at = Math.max(created + 60, updated - rng.int(0, 3 * DAY));
    stubs.push({ at: Math.min(at, updated), updated: Math.max(updated, at), customer, checkout: rng.chance(0.4) });
  }
  const guestCarts = Math.max(1, Math.round(customerCount * 0.1));
  for (let i = 0; i < guestCarts; i++) {
    const updated = rng.chance(0.6) ? anchor - rng.int(14 * DAY, 200 * DAY) : anchor - rng.int(600, 14 * DAY);
    stubs.push({
      at: updated - rng.int(0, 2 * DAY),
      updated,
      customer: null,
      guestStore: rng.weighted([
        [1, 70],
        [2, 15],
        [3, 15],
      ]),
      checkout: rng.chance(0.3),
    });
  }
  stubs.sort((a, b) => a.at - b.at);
  for (const stub of stubs) {
    const id = ++store.seq.cart;
    if (stub.order) store.convertedCart(stub.order, id, formatDate(stub.at));
    else
      store.buildActiveCart(rng, id, stub.customer ?? null, stub.guestStore ?? 1, stub.at, stub.updated ?? stub.at, stub.checkout ?? false);
  }
  for (const order of orders) order.header = undefined;
  return store;
}

/** A configurable parent (no stock of its own) and its simple children, one per size × colour. */
function addFamily(store: MagentoStore, rng: Random, f: number, catalogueStart: number, anchor: number) {
  const [noun, prefix, min, max, weight] = CONFIGURABLE_KINDS[f % CONFIGURABLE_KINDS.length]!;
  const cycle = FAMILY_NAMES.length * CONFIGURABLE_KINDS.length;
  const name = `${FAMILY_NAMES[f % FAMILY_NAMES.length]!} ${noun}${f >= cycle ? ` ${Math.floor(f / cycle) + 1}` : ""}`;
  const kind = Math.max(
    0,
    PRODUCT_KINDS.findIndex(([k]) => k === noun),
  );
  const priceCents = rng.int(min, max) * 100 + rng.pick([0, 99, 50]);
  const created = catalogueStart + rng.int(0, 700) * DAY;
  const updatedAt = formatDate(created + rng.int(0, Math.max(1, anchor - created - DAY)));
  const parentSku = `${prefix}${pad(f + 1, 2)}`;
  const sizes = CONFIGURABLE_ATTRIBUTES.size.values;
  const firstSize = rng.int(0, 2);
  const sizeCount = rng.int(3, sizes.length - firstSize);
  const colours = rng.sample(CONFIGURABLE_ATTRIBUTES.color.values, rng.int(1, 3));
  const parent: Product = {
    id: store.products.length + 1,
    sku: parentSku,
    name,
    priceCents,
    weight,
    qty: 0,
    createdAt: formatDate(created),
    updatedAt,
    kind,
    type: "configurable",
    costCents: null,
    childIds: [],
  };
  store.addProduct(parent);
  for (const [colourIndex, colour] of colours) {
    for (const [sizeIndex, size] of sizes.slice(firstSize, firstSize + sizeCount)) {
      const options: OptionValue[] = [
        {
          attributeId: CONFIGURABLE_ATTRIBUTES.color.id,
          attributeCode: "color",
          label: CONFIGURABLE_ATTRIBUTES.color.label,
          valueIndex: colourIndex,
          value: colour,
        },
        {
          attributeId: CONFIGURABLE_ATTRIBUTES.size.id,
          attributeCode: "size",
          label: CONFIGURABLE_ATTRIBUTES.size.label,
          valueIndex: sizeIndex,
          value: size,
        },
      ];
      const child: Product = {
        id: store.products.length + 1,
        sku: `${parentSku}-${size}-${colour}`,
        name: `${name}-${size}-${colour}`,
        priceCents,
        weight,
        qty: rng.chance(0.08) ? 0 : rng.int(6, 150),
        createdAt: formatDate(created),
        updatedAt,
        kind,
        type: "simple",
        costCents: null,
        parentId: parent.id,
        options,
      };
      store.addProduct(child);
      parent.childIds!.push(child.id);
    }
  }
}
