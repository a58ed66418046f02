// The HTTP side of the simulator: node:http on 127.0.0.1, Magento's REST routes from the
// official admin schema subset (same verbs, paths, field names, statuses and error bodies),
// authentication, fault injection, the request log and the /__simulator control API.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Authenticator, type Caller } from "./auth";
import {
  placeOrderAt,
  tick,
  validatePlaceOrder,
  validateTick,
  type PlacedOrder,
  type PlaceOrderOptions,
  type TickOptions,
  type TickResult,
} from "./control";
import {
  CHECKOUT_PAYMENT_METHODS,
  COUNTRIES,
  COUNTRY_BY_ID,
  CUSTOMER_GROUPS,
  PAYMENT_METHODS,
  STORE_VIEWS,
  viewCurrencies,
  type StoreView,
} from "./data";
import { MESSAGES, MagentoError, inputErrors, invalidType, noSuchEntity, requiredField, requiredInput } from "./errors";
import { FaultInjector, breakRecord, validateFault, type ActiveFault, type FaultRule } from "./faults";
import { storeFigures, type StoreFigures } from "./figures";
import { convert, shippingRate, shippingRates } from "./pricing";
import {
  computeCartTotals,
  productColumns,
  renderCart,
  renderCartItem,
  renderCountry,
  renderCustomer,
  renderCustomerAddress,
  renderMemo,
  renderOrder,
  renderProduct,
  renderStockItem,
  renderStoreConfig,
  renderStoreGroups,
  renderStoreViews,
  renderTotals,
  renderWebsites,
} from "./render";
import {
  UnknownColumnError,
  applyFields,
  echoCriteria,
  parseFields,
  parseSearchCriteria,
  runSearch,
  type SearchCriteria,
  type SearchOptions,
} from "./search";
import { RequestStatistics, type RequestPressure } from "./request-stats";
import { SearchIndex } from "./search-index";
import type { MagentoStore, Pushed } from "./store";
import type { Cart, Creditmemo, Customer, Json, Order, PostalAddress, Product } from "./types";
import { isRecord, money } from "./util";

type Ctx = {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** null under /rest/all (admin scope). */
  view: StoreView | null;
  baseUrl: string;
};

type Route = {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  /** ACL resource, null = anonymous. */
  resource: string | null;
  handler: (ctx: Ctx) => unknown;
};

export type RequestLogEntry = {
  seq: number;
  at: string;
  method: string;
  path: string;
  route: string | null;
  status: number;
  durationMs: number;
  caller: Caller["kind"] | "none";
  faults?: string[];
};

export type ServerOptions = {
  store: MagentoStore;
  auth: Authenticator;
  replayLastPage: boolean;
  seed: number;
};

export type SimulatorControl = {
  state: () => ReturnType<MagentoStore["state"]>;
  /** The store's own figures (storeFigures), optionally for some websites only. */
  figures: (options?: { websiteIds?: readonly number[] }) => StoreFigures;
  tick: (options?: TickOptions) => TickResult;
  /** One order on a given store view at a given created_at (control.ts placeOrderAt). */
  placeOrder: (options: PlaceOrderOptions) => PlacedOrder;
  addFaults: (rules: FaultRule | FaultRule[]) => ActiveFault[];
  clearFaults: (id?: string) => void;
  faults: () => ActiveFault[];
  pushed: () => Pushed;
  clearPushed: () => void;
  /** Counters and the log of REST requests, with how hard they pressed (in flight, per second: request-stats.ts). */
  requests: (limit?: number) => RequestPressure & {
    total: number;
    byRoute: Record<string, number>;
    byStatus: Record<string, number>;
    log: RequestLogEntry[];
  };
  clearRequests: () => void;
  expireAdminTokens: () => void;
  setReplayLastPage: (on: boolean) => void;
};

const ACL = {
  store: "Magento_Backend::store",
  group: "Magento_Customer::group",
  customer: "Magento_Customer::customer",
  customerManage: "Magento_Customer::manage",
  cart: "Magento_Cart::manage",
  products: "Magento_Catalog::products",
  stock: "Magento_CatalogInventory::cataloginventory",
  orders: "Magento_Sales::actions_view",
  creditmemos: "Magento_Sales::creditmemo",
  creditmemo: "Magento_Sales::sales_creditmemo",
} as const;

function intParam(value: string | undefined): number {
  if (value === undefined || !/^-?\d+$/.test(value)) throw invalidType(value ?? "", "int");
  return Number.parseInt(value, 10);
}

function bodyObject(ctx: Ctx): Json {
  return isRecord(ctx.body) ? ctx.body : {};
}

function requireKey(ctx: Ctx, key: string): Json {
  const value = bodyObject(ctx)[key];
  if (!isRecord(value)) throw requiredField(key);
  return value;
}

function numberInput(value: unknown, field: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  if (value === undefined || value === null) throw requiredField(field);
  throw invalidType(typeof value === "string" ? value : JSON.stringify(value), "float");
}

function maskedError(): MagentoError {
  return new MagentoError(500, MESSAGES.internal.replace("%1", randomBytes(7).toString("hex").slice(0, 13)));
}

/** A quote address from a request body (quote-data-address-interface). */
function postalFromInput(raw: unknown, fallbackEmail: string | undefined, requiredFor: string): PostalAddress {
  if (!isRecord(raw)) throw new MagentoError(400, requiredFor);
  const missing = ["firstname", "lastname", "street", "city", "country_id", "telephone"].filter((f) => {
    const v = raw[f];
    if (f === "street") return !Array.isArray(v) || v.length === 0 || v.every((s) => String(s ?? "").trim() === "");
    return v === undefined || v === null || String(v).trim() === "";
  });
  const country = typeof raw.country_id === "string" ? COUNTRY_BY_ID.get(raw.country_id) : undefined;
  const errors = missing.map((f) => requiredInput(f));
  if (typeof raw.country_id === "string" && raw.country_id !== "" && !country) {
    errors.push(
      new MagentoError(400, 'Invalid value of "%value" provided for the %fieldName field.', {
        fieldName: "countryId",
        value: raw.country_id,
      }),
    );
  }
  if (country && (raw.postcode === undefined || raw.postcode === null || String(raw.postcode).trim() === ""))
    errors.push(requiredInput("postcode"));
  if (errors.length) throw inputErrors(errors);
  let regionId = typeof raw.region_id === "number" ? raw.region_id : Number(raw.region_id ?? 0) || 0;
  let regionCode = typeof raw.region_code === "string" ? raw.region_code : "";
  let regionName =
    typeof raw.region === "string" ? raw.region : isRecord(raw.region) && typeof raw.region.region === "string" ? raw.region.region : "";
  const known = country?.regions?.find(
    (r) => (regionId && r.id === regionId) || (regionCode && r.code === regionCode) || (regionName && r.name === regionName),
  );
  if (known) {
    regionId = known.id;
    regionCode = known.code;
    regionName = known.name;
  }
  const email = typeof raw.email === "string" && raw.email ? raw.email : (fallbackEmail ?? "");
  return {
    firstname: String(raw.firstname),
    lastname: String(raw.lastname),
    ...(typeof raw.company === "string" && raw.company ? { company: raw.company } : {}),
    street: (raw.street as unknown[]).map((s) => String(s)),
    city: String(raw.city),
    postcode: String(raw.postcode ?? ""),
    countryId: String(raw.country_id),
    region: regionName,
    regionId,
    regionCode,
    telephone: String(raw.telephone),
    email,
    ...(typeof raw.customer_address_id === "number" ? { customerAddressId: raw.customer_address_id } : {}),
  };
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** product_option.extension_attributes.configurable_item_options of a cart item body. */
function configurableOptions(option: unknown): { optionId: string; optionValue: number }[] {
  const ext = isRecord(option) && isRecord(option.extension_attributes) ? option.extension_attributes : undefined;
  const list = Array.isArray(ext?.configurable_item_options) ? ext.configurable_item_options : [];
  return list.flatMap((o) =>
    isRecord(o) && o.option_id !== undefined && o.option_id !== null
      ? [{ optionId: String(o.option_id), optionValue: Number(o.option_value) }]
      : [],
  );
}

function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(v)]));
}

/** AccountManagement's password rules: at least 8 characters of at least 3 classes. */
function checkPassword(password: string): void {
  if (password.length < 8)
    throw new MagentoError(400, "The password needs at least %1 characters. Create a new password and try again.", ["8"]);
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((re) => re.test(password)).length;
  if (classes < 3) {
    throw new MagentoError(
      400,
      "Minimum of different classes of characters in password is %1. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.",
      ["3"],
    );
  }
}

/** What PUT and POST /V1/customers check before saving (required names, email, group, addresses). */
function checkCustomerInput(customer: Json): void {
  const errors: MagentoError[] = [];
  for (const field of ["firstname", "lastname", "email"]) {
    const v = customer[field];
    if (typeof v !== "string" || v.trim() === "") errors.push(requiredInput(field));
  }
  if (errors.length) throw inputErrors(errors);
  if (!EMAIL_RE.test(String(customer.email))) {
    throw new MagentoError(400, 'Invalid value of "%value" provided for the %fieldName field.', {
      fieldName: "email",
      value: String(customer.email),
    });
  }
  if (customer.group_id !== undefined && !CUSTOMER_GROUPS.some((g) => g.id === customer.group_id && g.id !== 0)) {
    throw noSuchEntity("id", String(customer.group_id));
  }
  if (customer.addresses !== undefined && customer.addresses !== null && !Array.isArray(customer.addresses)) {
    throw invalidType(JSON.stringify(customer.addresses), "\\Magento\\Customer\\Api\\Data\\AddressInterface[]");
  }
}

export function createSimulatorServer(options: ServerOptions) {
  const { store, auth } = options;
  const strict = store.strictSchema;
  let replayLastPage = options.replayLastPage;
  const faults = new FaultInjector(options.seed);
  const log: RequestLogEntry[] = [];
  const counters = { total: 0, byRoute: {} as Record<string, number>, byStatus: {} as Record<string, number> };
  let requestSeq = 0;
  const pressure = new RequestStatistics();
  const hanging = new Set<http.ServerResponse>();
  const sockets = new Set<Socket>();

  // ---------------------------------------------------------------- search helper

  function search<T>(
    ctx: Ctx,
    records: Iterable<T> | SearchIndex<T>,
    opts: Omit<SearchOptions<T>, "replayLastPage">,
    render: (r: T) => unknown,
  ) {
    const criteria: SearchCriteria = parseSearchCriteria(ctx.query);
    const { items, total } =
      records instanceof SearchIndex
        ? records.search(criteria, { known: opts.known, idColumn: opts.idColumn, replayLastPage })
        : runSearch(records, criteria, { ...opts, replayLastPage });
    return { items: items.map(render), search_criteria: echoCriteria(criteria), total_count: total };
  }

  // Sorted indexes of the big entities (rebuilt when store.version moves).
  const version = () => store.version;
  const indexes = {
    customers: new SearchIndex<Customer>({
      records: () => store.customers.values(),
      columns: (c) => store.customerColumns(c),
      idColumn: "id",
      version,
    }),
    carts: new SearchIndex<Cart>({
      records: () => store.carts.values(),
      columns: (c) => store.cartColumns(c),
      idColumn: "entity_id",
      version,
    }),
    orders: new SearchIndex<Order>({
      records: () => store.orders.values(),
      columns: (o) => store.orderColumns(o),
      idColumn: "entity_id",
      version,
    }),
    memos: new SearchIndex<Creditmemo>({
      records: () => store.memos.values(),
      columns: (m) => store.memoColumns(m),
      idColumn: "entity_id",
      version,
    }),
  };

  function knownColumns(sample: Json | undefined): Set<string> {
    return new Set(sample ? Object.keys(sample) : []);
  }

  const firstOf = <T>(it: Iterable<T>): T | undefined => {
    for (const v of it) return v;
    return undefined;
  };

  function customerEmail(cart: Cart): string | undefined {
    if (cart.customerId !== null) return store.customers.get(cart.customerId)?.email;
    return cart.guest?.email;
  }

  function paymentMethodsFor(cart: Cart) {
    const zero = computeCartTotals(cart).grand === 0 && cart.items.length > 0;
    const codes: string[] = zero ? ["free"] : [...CHECKOUT_PAYMENT_METHODS];
    return codes.map((code) => ({ code, title: PAYMENT_METHODS[code]! }));
  }

  // ---------------------------------------------------------------- routes

  const routes: Route[] = [];
  function route(method: string, template: string, resource: string | null, handler: (ctx: Ctx) => unknown) {
    const names: string[] = [];
    const pattern = template.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    routes.push({ method, template, regex: new RegExp(`^${pattern}$`), names, resource, handler });
  }

  route("POST", "/V1/integration/admin/token", null, (ctx) => {
    const body = bodyObject(ctx);
    return auth.issueAdminToken(body.username, body.password);
  });

  route("GET", "/V1/store/websites", ACL.store, () => renderWebsites());
  route("GET", "/V1/store/storeViews", ACL.store, () => renderStoreViews());
  route("GET", "/V1/store/storeGroups", ACL.store, () => renderStoreGroups());
  route("GET", "/V1/store/storeConfigs", ACL.store, (ctx) => {
    const codes = [...ctx.query.entries()].filter(([k]) => k === "storeCodes" || k.startsWith("storeCodes[")).map(([, v]) => v);
    const views = codes.length ? STORE_VIEWS.filter((v) => codes.includes(v.code)) : STORE_VIEWS;
    return views.map((v) => renderStoreConfig(v, ctx.baseUrl));
  });

  route("GET", "/V1/customerGroups/search", ACL.group, (ctx) =>
    search(ctx, CUSTOMER_GROUPS, { columns: (g) => ({ ...g }), known: knownColumns(CUSTOMER_GROUPS[0]), idColumn: "id" }, (g) => ({
      ...g,
    })),
  );

  route("GET", "/V1/directory/countries", null, (ctx) => COUNTRIES.map((c) => renderCountry(c.id, ctx.view?.locale ?? "en_US")));
  route("GET", "/V1/directory/countries/:countryId", null, (ctx) => {
    const country = renderCountry(ctx.params.countryId!, ctx.view?.locale ?? "en_US");
    if (!country) throw new MagentoError(404, "Requested country is not available.");
    return country;
  });

  route("GET", "/V1/customers/search", ACL.customer, (ctx) =>
    search(
      ctx,
      indexes.customers,
      {
        columns: (c) => store.customerColumns(c),
        known: knownColumns(
          store.customerColumns(firstOf(store.customers.values()) ?? ({ id: 0, addresses: [], extension_attributes: {} } as never)),
        ),
        idColumn: "id",
      },
      (c) => renderCustomer(c, strict),
    ),
  );
  route("GET", "/V1/customers/addresses/:addressId", ACL.customer, (ctx) => {
    const id = intParam(ctx.params.addressId);
    const address = store.addresses.get(id);
    if (!address) throw noSuchEntity("addressId", id);
    return renderCustomerAddress(address, strict);
  });
  route("GET", "/V1/customers/:customerId", ACL.customer, (ctx) =>
    renderCustomer(store.getCustomer(intParam(ctx.params.customerId)), strict),
  );
  route("PUT", "/V1/customers/:customerId", ACL.customerManage, (ctx) => {
    const id = intParam(ctx.params.customerId);
    const customer = requireKey(ctx, "customer");
    store.getCustomer(id);
    checkCustomerInput(customer);
    return renderCustomer(store.replaceCustomer(id, customer), strict);
  });
  // AccountManagement::createAccount: body {customer, password?, redirectUrl?}; answers the new customer.
  route("POST", "/V1/customers", ACL.customerManage, (ctx) => {
    // The REST layer takes camelCase keys as well as snake_case (the official sample sends countryId, defaultBilling).
    const customer = snakeKeys(requireKey(ctx, "customer")) as Json;
    checkCustomerInput(customer);
    const password = bodyObject(ctx).password;
    if (password !== undefined && password !== null && typeof password !== "string") throw invalidType(JSON.stringify(password), "string");
    if (typeof password === "string" && password !== "") checkPassword(password);
    const view = ctx.view ?? STORE_VIEWS[0]!;
    const storeId = typeof customer.store_id === "number" ? STORE_VIEWS.find((v) => v.id === customer.store_id) : undefined;
    const scope = storeId ?? view;
    return renderCustomer(store.createAccount(customer, { websiteId: scope.websiteId, storeId: scope.id, storeName: scope.name }), strict);
  });
  route("POST", "/V1/customers/:customerId/carts", ACL.cart, (ctx) =>
    store.cartForCustomer(intParam(ctx.params.customerId), ctx.view?.id ?? null),
  );

  route("GET", "/V1/carts/search", ACL.cart, (ctx) =>
    search(
      ctx,
      indexes.carts,
      {
        columns: (c) => store.cartColumns(c),
        known: knownColumns(firstOf(store.carts.values()) ? store.cartColumns(firstOf(store.carts.values())!) : undefined),
        idColumn: "entity_id",
      },
      (c) => renderCart(c, c.customerId !== null ? store.customers.get(c.customerId) : undefined, strict),
    ),
  );
  route("GET", "/V1/carts/:cartId", ACL.cart, (ctx) => {
    const cart = store.getCart(intParam(ctx.params.cartId));
    return renderCart(cart, cart.customerId !== null ? store.customers.get(cart.customerId) : undefined, strict);
  });
  route("GET", "/V1/carts/:cartId/items", ACL.cart, (ctx) => {
    const cart = store.getActiveCart(intParam(ctx.params.cartId));
    return cart.items.map((i) => renderCartItem(cart, i));
  });
  route("POST", "/V1/carts/:quoteId/items", ACL.cart, (ctx) => {
    const cartId = intParam(ctx.params.quoteId);
    const item = requireKey(ctx, "cartItem");
    const qty = numberInput(item.qty, "qty");
    if (!(qty > 0)) throw new MagentoError(400, "The quantity must be greater than 0.");
    store.getActiveCart(cartId);
    if (typeof item.sku !== "string" || item.sku === "") throw new MagentoError(404, MESSAGES.productMissing);
    const added = store.addCartItem(cartId, item.sku, qty, configurableOptions(item.product_option));
    return renderCartItem(store.getCart(cartId), added);
  });
  route("PUT", "/V1/carts/:cartId/items/:itemId", ACL.cart, (ctx) => {
    const cartId = intParam(ctx.params.cartId);
    const itemId = intParam(ctx.params.itemId);
    const item = requireKey(ctx, "cartItem");
    const qty = numberInput(item.qty, "qty");
    if (!(qty > 0)) throw new MagentoError(400, "The quantity must be greater than 0.");
    const updated = store.updateCartItem(cartId, itemId, qty);
    return renderCartItem(store.getCart(cartId), updated);
  });
  route("DELETE", "/V1/carts/:cartId/items/:itemId", ACL.cart, (ctx) => {
    store.deleteCartItem(intParam(ctx.params.cartId), intParam(ctx.params.itemId));
    return true;
  });
  route("POST", "/V1/carts/:cartId/estimate-shipping-methods", ACL.cart, (ctx) => {
    const cart = store.getActiveCart(intParam(ctx.params.cartId));
    requireKey(ctx, "address");
    if (cart.items.length === 0) return [];
    return shippingRates(cart.items, viewCurrencies(cart.storeId).catalogueRate).map((r) => {
      const amount = money(convert(r.baseAmount, cart.rate));
      return {
        carrier_code: r.carrierCode,
        method_code: r.methodCode,
        carrier_title: r.carrierTitle,
        method_title: r.methodTitle,
        amount,
        base_amount: money(r.baseAmount),
        available: true,
        error_message: "",
        price_excl_tax: amount,
        price_incl_tax: amount,
      };
    });
  });
  route("POST", "/V1/carts/:cartId/shipping-information", ACL.cart, (ctx) => {
    const cart = store.getActiveCart(intParam(ctx.params.cartId));
    const info = requireKey(ctx, "addressInformation");
    if (cart.items.length === 0)
      throw new MagentoError(400, "The shipping method can't be set for an empty cart. Add an item to cart and try again.");
    const email = customerEmail(cart);
    if (!isRecord(info.shipping_address)) throw new MagentoError(400, "The shipping address is missing. Set the address and try again.");
    const shipping = postalFromInput(info.shipping_address, email, "The shipping address is missing. Set the address and try again.");
    const billing = isRecord(info.billing_address)
      ? postalFromInput(info.billing_address, email, "The billing address is missing. Set the address and try again.")
      : shipping;
    const carrier = info.shipping_carrier_code;
    const method = info.shipping_method_code;
    if (typeof carrier !== "string" || !carrier || typeof method !== "string" || !method) {
      throw new MagentoError(400, "The shipping method is missing. Select the shipping method and try again.");
    }
    if (!shippingRate(cart.items, carrier, method, viewCurrencies(cart.storeId).catalogueRate))
      throw new MagentoError(404, "Carrier with such method not found: %1, %2", [carrier, method]);
    cart.shippingAddress = shipping;
    cart.billing = billing;
    cart.shippingMethod = { carrier, method };
    if (cart.isGuest && shipping.email && !cart.guest)
      cart.guest = { email: shipping.email, firstname: shipping.firstname, lastname: shipping.lastname };
    cart.updatedAt = formatNow();
    store.pushed.cartChanges.push({
      cartId: cart.id,
      action: "shipping_information",
      detail: { carrier, method, country: shipping.countryId },
      at: cart.updatedAt,
    });
    return { payment_methods: paymentMethodsFor(cart), totals: renderTotals(cart, strict) };
  });
  route("GET", "/V1/carts/:cartId/payment-methods", ACL.cart, (ctx) => paymentMethodsFor(store.getActiveCart(intParam(ctx.params.cartId))));
  route("GET", "/V1/carts/:cartId/selected-payment-method", ACL.cart, (ctx) => {
    const cart = store.getCart(intParam(ctx.params.cartId));
    // Magento sends method: null before a method is chosen; the schema requires a string.
    if (!cart.payment) return { method: "" };
    return { ...(cart.payment.poNumber ? { po_number: cart.payment.poNumber } : {}), method: cart.payment.method };
  });
  route("PUT", "/V1/carts/:cartId/selected-payment-method", ACL.cart, (ctx) => {
    const cart = store.getActiveCart(intParam(ctx.params.cartId));
    const method = requireKey(ctx, "method");
    if (typeof method.method !== "string" || !method.method) throw requiredInput("method");
    store.setPayment(cart, { method: method.method, ...(typeof method.po_number === "string" ? { po_number: method.po_number } : {}) });
    return String(cart.id);
  });
  route("PUT", "/V1/carts/:cartId/order", ACL.cart, (ctx) => {
    const cartId = intParam(ctx.params.cartId);
    const body = bodyObject(ctx);
    let payment: { method: string; po_number?: string } | undefined;
    if (body.paymentMethod !== undefined && body.paymentMethod !== null) {
      if (!isRecord(body.paymentMethod))
        throw invalidType(JSON.stringify(body.paymentMethod), "\\Magento\\Quote\\Api\\Data\\PaymentInterface");
      const pm = body.paymentMethod;
      if (typeof pm.method !== "string" || !pm.method) throw new MagentoError(400, "Enter a valid payment method and try again.");
      payment = { method: pm.method, ...(typeof pm.po_number === "string" ? { po_number: pm.po_number } : {}) };
    }
    return store.placeOrder(cartId, payment).entityId;
  });
  route("GET", "/V1/carts/:cartId/totals", ACL.cart, (ctx) => renderTotals(store.getActiveCart(intParam(ctx.params.cartId)), strict));

  const product = (p: Product) => renderProduct(p, strict, store.childrenOf(p));
  route("GET", "/V1/products", ACL.products, (ctx) =>
    search(
      ctx,
      store.products,
      { columns: productColumns, known: knownColumns(store.products[0] ? productColumns(store.products[0]) : undefined), idColumn: "id" },
      product,
    ),
  );
  route("GET", "/V1/products/:sku", ACL.products, (ctx) => {
    const found = store.product(decodeURIComponent(ctx.params.sku!));
    if (!found) throw new MagentoError(404, MESSAGES.productMissing);
    return product(found);
  });
  route("GET", "/V1/stockItems/:productSku", ACL.stock, (ctx) => {
    const sku = decodeURIComponent(ctx.params.productSku!);
    const found = store.product(sku);
    if (!found) throw new MagentoError(404, 'The Product with the "%1" SKU doesn\'t exist.', [sku]);
    return renderStockItem(found, strict, found.type === "configurable" ? store.childrenOf(found).some((c) => c.qty > 0) : undefined);
  });

  route("GET", "/V1/orders", ACL.orders, (ctx) =>
    search(
      ctx,
      indexes.orders,
      {
        columns: (o) => store.orderColumns(o),
        known: knownColumns(firstOf(store.orders.values()) ? store.orderColumns(firstOf(store.orders.values())!) : undefined),
        idColumn: "entity_id",
      },
      (o) => renderOrder(o, store.memoLookup, strict),
    ),
  );
  route("GET", "/V1/orders/:id", ACL.orders, (ctx) => renderOrder(store.getOrder(intParam(ctx.params.id)), store.memoLookup, strict));
  route("GET", "/V1/creditmemos", ACL.creditmemos, (ctx) =>
    search(
      ctx,
      indexes.memos,
      {
        columns: (m) => store.memoColumns(m),
        known: knownColumns(firstOf(store.memos.values()) ? store.memoColumns(firstOf(store.memos.values())!) : undefined),
        idColumn: "entity_id",
      },
      (m) => renderMemo(m, store.orders.get(m.orderId), strict),
    ),
  );
  route("GET", "/V1/creditmemo/:id", ACL.creditmemo, (ctx) => {
    const memo = store.getMemo(intParam(ctx.params.id));
    return renderMemo(memo, store.orders.get(memo.orderId), strict);
  });

  function formatNow(): string {
    return new Date(store.now() * 1000).toISOString().slice(0, 19).replace("T", " ");
  }

  // ---------------------------------------------------------------- control API

  const control: SimulatorControl = {
    state: () => store.state(),
    figures: (opts) => storeFigures(store, opts),
    tick: (opts = {}) => {
      try {
        return tick(store, opts, ++store.ticks);
      } finally {
        store.changed();
      }
    },
    placeOrder: (opts) => placeOrderAt(store, opts),
    addFaults: (rules) => faults.add(Array.isArray(rules) ? rules : [rules]),
    clearFaults: (id) => faults.clear(id),
    faults: () => faults.list(),
    pushed: () => structuredClone(store.pushed),
    clearPushed: () => {
      store.pushed.placedOrders.length = 0;
      store.pushed.customerUpdates.length = 0;
      store.pushed.subscriptionChanges.length = 0;
      store.pushed.cartChanges.length = 0;
      store.pushed.registrations.length = 0;
    },
    requests: (limit = 200) => ({
      ...pressure.pressure,
      total: counters.total,
      byRoute: { ...counters.byRoute },
      byStatus: { ...counters.byStatus },
      log: log.slice(-limit),
    }),
    clearRequests: () => {
      log.length = 0;
      counters.total = 0;
      counters.byRoute = {};
      counters.byStatus = {};
      pressure.reset();
    },
    expireAdminTokens: () => auth.expireAdminTokens(),
    setReplayLastPage: (on) => {
      replayLastPage = on;
    },
  };

  function controlRequest(method: string, path: string, query: URLSearchParams, body: unknown): [number, unknown] {
    const fail = (message: string): [number, unknown] => [400, { message }];
    const key = `${method} ${path.replace(/\/+$/, "")}`;
    switch (key) {
      case "GET /__simulator/state": {
        // ?websiteIds=1,2 narrows the figures to those websites.
        const raw = query.get("websiteIds");
        const websiteIds = raw ? raw.split(",").map((v) => Number(v.trim())) : undefined;
        if (websiteIds?.some((id) => !Number.isInteger(id))) return fail("websiteIds must be a comma-separated list of website ids.");
        return [200, { ...control.state(), figures: control.figures({ websiteIds }) }];
      }
      case "POST /__simulator/tick": {
        const problem = validateTick(body);
        if (problem) return fail(problem);
        return [200, control.tick((body ?? {}) as TickOptions)];
      }
      case "POST /__simulator/orders": {
        const options = validatePlaceOrder(store, body);
        if (typeof options === "string") return fail(options);
        return [200, control.placeOrder(options)];
      }
      case "GET /__simulator/faults":
        return [200, { rules: control.faults() }];
      case "POST /__simulator/faults": {
        const rules = isRecord(body) && Array.isArray(body.rules) ? body.rules : Array.isArray(body) ? body : [body];
        for (const rule of rules) {
          const problem = validateFault(rule);
          if (problem) return fail(problem);
        }
        return [200, { rules: control.addFaults(rules as FaultRule[]) }];
      }
      case "DELETE /__simulator/faults":
        control.clearFaults(query.get("id") ?? undefined);
        return [200, { rules: control.faults() }];
      case "GET /__simulator/pushed":
        return [200, control.pushed()];
      case "DELETE /__simulator/pushed":
        control.clearPushed();
        return [200, control.pushed()];
      case "GET /__simulator/requests": {
        const limit = Number(query.get("limit") ?? 200);
        return [200, control.requests(Number.isInteger(limit) && limit > 0 ? limit : 200)];
      }
      case "DELETE /__simulator/requests":
        control.clearRequests();
        return [200, control.requests()];
      case "POST /__simulator/expire-tokens":
        control.expireAdminTokens();
        return [200, { expired: true }];
      case "POST /__simulator/replay-last-page": {
        const on = isRecord(body) && typeof body.enabled === "boolean" ? body.enabled : null;
        if (on === null) return fail('Send {"enabled": true|false}.');
        control.setReplayLastPage(on);
        return [200, { replayLastPage: on }];
      }
      default:
        return [404, { message: MESSAGES.noRoute }];
    }
  }

  // ---------------------------------------------------------------- request handling

  function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, raw?: string) {
    if (res.headersSent || res.destroyed) return;
    const text = raw ?? JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  function record(entry: Omit<RequestLogEntry, "seq" | "at">) {
    const full: RequestLogEntry = { seq: ++requestSeq, at: new Date().toISOString(), ...entry };
    log.push(full);
    if (log.length > 1000) log.splice(0, log.length - 1000);
    counters.total++;
    const routeKey = entry.route ?? `${entry.method} (no route)`;
    counters.byRoute[routeKey] = (counters.byRoute[routeKey] ?? 0) + 1;
    counters.byStatus[String(entry.status)] = (counters.byStatus[String(entry.status)] ?? 0) + 1;
  }

  function readBody(req: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });
  }

  function parseJsonBody(text: string): unknown {
    if (text.trim() === "") return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new MagentoError(400, MESSAGES.decoding);
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const started = Date.now();
    const method = (req.method ?? "GET").toUpperCase();
    const host = req.headers.host ?? "127.0.0.1";
    const url = new URL(req.url ?? "/", `http://${host}`);
    // Every REST request counts as in flight from its arrival until its answer is sent or its
    // connection closes (injected latency and hangs included). The control API does not count.
    if (!url.pathname.startsWith("/__simulator")) res.once("close", pressure.started());
    const rawQuery = (req.url ?? "").includes("?") ? (req.url ?? "").slice((req.url ?? "").indexOf("?") + 1) : "";
    const baseUrl = `http://${host}`;
    const rawBody = await readBody(req);
    const contentType = String(req.headers["content-type"] ?? "");
    const formBody = contentType.includes("application/x-www-form-urlencoded") ? rawBody : undefined;
    let caller: Caller | null = null;
    let routeName: string | null = null;
    const appliedFaults: string[] = [];

    const finish = (status: number, body: unknown, headers: Record<string, string> = {}, raw?: string) => {
      send(res, status, body, headers, raw);
      record({
        method,
        path: url.pathname + url.search,
        route: routeName,
        status,
        durationMs: Date.now() - started,
        caller: caller?.kind ?? "none",
        ...(appliedFaults.length ? { faults: appliedFaults } : {}),
      });
    };

    // Control API: same credentials, no faults, not logged.
    if (url.pathname.startsWith("/__simulator")) {
      try {
        caller = auth.authenticate(method, url, rawQuery, req.headers, formBody);
      } catch {
        caller = null;
      }
      if (!caller) {
        send(res, 401, { message: MESSAGES.unauthorized, parameters: { resources: "Simulator::control" } });
        return;
      }
      let body: unknown;
      try {
        body = parseJsonBody(rawBody);
      } catch (e) {
        send(res, 400, (e as MagentoError).body());
        return;
      }
      const [status, out] = controlRequest(method, url.pathname, url.searchParams, body);
      send(res, status, out);
      return;
    }

    try {
      // /rest[/<store>]/V1/...
      const m = /^\/rest\/(.*)$/.exec(url.pathname);
      if (!m) throw new MagentoError(404, MESSAGES.noRoute);
      const rest = m[1]!;
      const slash = rest.indexOf("/");
      const first = slash < 0 ? rest : rest.slice(0, slash);
      let view: StoreView | null = STORE_VIEWS[0]!;
      let path: string;
      const known = STORE_VIEWS.find((v) => v.code === first);
      if (known) {
        view = known;
        path = `/${slash < 0 ? "" : rest.slice(slash + 1)}`;
      } else if (first === "all") {
        view = null;
        path = `/${slash < 0 ? "" : rest.slice(slash + 1)}`;
      } else {
        path = `/${rest}`;
      }

      let match: { route: Route; params: Record<string, string> } | undefined;
      for (const r of routes) {
        if (r.method !== method) continue;
        const mm = r.regex.exec(path);
        if (!mm) continue;
        const params: Record<string, string> = {};
        r.names.forEach((n, i) => {
          params[n] = decodeURIComponent(mm[i + 1]!);
        });
        match = { route: r, params };
        break;
      }
      if (match) routeName = `${method} ${match.route.template}`;

      // Faults (on any REST request, matched or not).
      const hits = faults.take(method, url.pathname + url.search);
      const malformed: NonNullable<ActiveFault["malformed"]>[] = [];
      for (const hit of hits) {
        appliedFaults.push(hit.id);
        if (hit.latencyMs) await new Promise((r) => setTimeout(r, hit.latencyMs));
      }
      for (const hit of hits) {
        if (hit.hang) {
          hanging.add(res);
          res.on("close", () => hanging.delete(res));
          record({
            method,
            path: url.pathname + url.search,
            route: routeName,
            status: 0,
            durationMs: Date.now() - started,
            caller: "none",
            faults: appliedFaults,
          });
          return;
        }
      }
      for (const hit of hits) {
        if (hit.status) {
          const headers: Record<string, string> = {};
          if (hit.retryAfter !== undefined || hit.status === 429) headers["Retry-After"] = String(hit.retryAfter ?? 1);
          const body =
            hit.status === 500
              ? maskedError().body()
              : {
                  message:
                    hit.message ??
                    (hit.status === 429
                      ? "Too Many Requests"
                      : hit.status === 503
                        ? "Service Unavailable"
                        : (http.STATUS_CODES[hit.status] ?? "Error")),
                };
          finish(hit.status, body, headers);
          return;
        }
        if (hit.malformed) malformed.push(hit.malformed);
      }

      if (!match) throw new MagentoError(404, MESSAGES.noRoute);
      const r = match.route;
      caller = auth.authenticate(method, url, rawQuery, req.headers, formBody);
      if (r.resource && !caller) throw new MagentoError(401, MESSAGES.unauthorized, { resources: r.resource });
      const body = parseJsonBody(rawBody);
      let out: unknown;
      try {
        out = r.handler({ params: match.params, query: url.searchParams, body, view, baseUrl });
      } finally {
        // A write may change records in place (route code edits carts directly): search indexes rebuild.
        if (method !== "GET") store.changed();
      }
      if (hits.some((hit) => hit.loseAnswer)) {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        record({
          method,
          path: url.pathname + url.search,
          route: routeName,
          status: 0,
          durationMs: Date.now() - started,
          caller: caller?.kind ?? "none",
          faults: appliedFaults,
        });
        return;
      }
      const fields = url.searchParams.get("fields");
      if (fields) out = applyFields(out, parseFields(fields));
      if (malformed.some((m) => m.mode === "invalid_json")) {
        const text = JSON.stringify(out);
        finish(200, null, {}, text.slice(0, Math.max(1, Math.floor(text.length / 2))));
        return;
      }
      for (const spec of malformed) out = breakRecord(out, spec);
      finish(200, out);
    } catch (error) {
      if (error instanceof MagentoError) {
        finish(error.status, error.body(), error.headers);
      } else {
        if (!(error instanceof UnknownColumnError)) console.error("[magento-simulator]", error);
        finish(500, maskedError().body());
      }
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error("[magento-simulator]", error);
      send(res, 500, maskedError().body());
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  async function close(): Promise<void> {
    for (const res of hanging) res.destroy();
    hanging.clear();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
    });
  }

  return { server, control, listen, close };
}
