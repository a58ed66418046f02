import { z } from "zod";
import { MagentoSchemaError, type RequestContext } from "./errors";
import { MagentoTransport, type RestRequest, type TransportOptions } from "./http";
import { customerSubscription, type NewsletterSubscription, withSubscription } from "./newsletter";
import { paginate, type PaginatedPage } from "./paginate";
import {
  cartItemSchema,
  cartSchema,
  cartTotalsSchema,
  paymentDetailsSchema,
  paymentMethodSchema,
  shippingMethodSchema,
  type CartAddressInput,
  type MagentoCart,
  type MagentoCartItem,
  type MagentoCartTotals,
  type MagentoPaymentDetails,
  type MagentoPaymentMethod,
  type MagentoShippingMethod,
  type PaymentMethodInput,
  type ShippingInformationInput,
} from "./schemas/cart";
import { stockItemSchema, type MagentoProduct, type MagentoStockItem } from "./schemas/catalog";
import { creditMemoSchema, type MagentoCreditMemo } from "./schemas/creditmemo";
import {
  customerAddressSchema,
  customerSchema,
  type MagentoCustomer,
  type MagentoCustomerAddress,
  type MagentoCustomerGroup,
  type MagentoCustomerWire,
} from "./schemas/customer";
import { countrySchema, type MagentoCountry } from "./schemas/directory";
import { orderSchema, type MagentoOrder } from "./schemas/order";
import {
  storeConfigSchema,
  storeGroupSchema,
  storeViewSchema,
  websiteSchema,
  type MagentoStoreConfig,
  type MagentoStoreGroup,
  type MagentoStoreView,
  type MagentoWebsite,
} from "./schemas/store";
import { type SearchCriteria, SearchCriteriaError, searchCriteriaParams, withStableSort } from "./search-criteria";
import { SEARCH_ENTITIES, type SearchEntity, type SearchRecord, searchRecordId } from "./search-entities";
import { pathSegment } from "./url";
import { type SearchPage, validateSearchPage, validateValue } from "./validate";

// The Magento 2 REST client: one typed method per route the portal uses. Each method builds the
// request, sends it through the transport (auth, retries, limits) and validates the answer
// against the schemas in ./schemas. Pure I/O: no database, no app code.

export type MagentoClientOptions = TransportOptions;

/** Integer ids that some Magento versions send as JSON strings ("5"). */
const idNumber = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

export interface SearchAllOptions {
  /** Throw after this many pages (default 10 000). */
  maxPages?: number;
}

export class MagentoClient {
  readonly transport: MagentoTransport;

  constructor(options: MagentoClientOptions) {
    this.transport = new MagentoTransport(options);
  }

  // ── plumbing ────────────────────────────────────────────────────────────────────────────

  private async call<S extends z.ZodType>(schema: S, what: string, request: RestRequest): Promise<z.output<S>> {
    const response = await this.transport.request(request);
    return parseOrThrow(schema, response.body, what, response.status, response.context);
  }

  // ── stores and directory ────────────────────────────────────────────────────────────────

  listWebsites(): Promise<MagentoWebsite[]> {
    return this.call(z.array(websiteSchema), "a website list", { method: "GET", path: "/V1/store/websites" });
  }

  listStoreGroups(): Promise<MagentoStoreGroup[]> {
    return this.call(z.array(storeGroupSchema), "a store group list", { method: "GET", path: "/V1/store/storeGroups" });
  }

  listStoreViews(): Promise<MagentoStoreView[]> {
    return this.call(z.array(storeViewSchema), "a store view list", { method: "GET", path: "/V1/store/storeViews" });
  }

  /** Configuration of the given store views (all when none are given). */
  listStoreConfigs(storeCodes: readonly string[] = []): Promise<MagentoStoreConfig[]> {
    return this.call(z.array(storeConfigSchema), "a store config list", {
      method: "GET",
      path: "/V1/store/storeConfigs",
      query: storeCodes.map((code) => ["storeCodes[]", code] as const),
    });
  }

  listCountries(): Promise<MagentoCountry[]> {
    return this.call(z.array(countrySchema), "a country list", { method: "GET", path: "/V1/directory/countries" });
  }

  /** One country with its regions, by ISO code ("US"). */
  getCountry(countryId: string): Promise<MagentoCountry> {
    return this.call(countrySchema, "a country", { method: "GET", path: `/V1/directory/countries/${pathSegment(countryId)}` });
  }

  // ── search ──────────────────────────────────────────────────────────────────────────────

  /**
   * One page of a search route. Invalid records are reported in `invalid`, not thrown. A
   * `fields=` projection here only trims what the caller does not read: records are still
   * validated against the whole schema, so it must name every required field and `total_count`
   * (for partial records, use searchProjected).
   */
  async search<E extends SearchEntity>(entity: E, criteria: SearchCriteria): Promise<SearchPage<SearchRecord<E>>> {
    if (criteria.fields !== undefined && !/(^|,)\s*total_count\s*(,|$)/.test(criteria.fields)) {
      throw new SearchCriteriaError("a fields= projection for search() must ask for total_count");
    }
    return this.searchPage(entity, criteria, false) as Promise<SearchPage<SearchRecord<E>>>;
  }

  /**
   * One page with a `fields=` projection ("items[entity_id,increment_id]"). Records are checked
   * only for the fields present; `total_count` is asked for too, so paging can stop on it.
   */
  async searchProjected<E extends SearchEntity>(
    entity: E,
    criteria: SearchCriteria & { fields: string },
  ): Promise<SearchPage<Partial<SearchRecord<E>>>> {
    const fields = /(^|,)\s*total_count\s*(,|$)/.test(criteria.fields) ? criteria.fields : `${criteria.fields},total_count`;
    return this.searchPage(entity, { ...criteria, fields }, true) as Promise<SearchPage<Partial<SearchRecord<E>>>>;
  }

  private async searchPage(entity: SearchEntity, criteria: SearchCriteria, projected: boolean): Promise<SearchPage<unknown>> {
    const { path, schema, strict } = SEARCH_ENTITIES[entity];
    const response = await this.transport.request({ method: "GET", path, query: searchCriteriaParams(criteria) });
    const itemSchema: z.ZodType = projected ? schema.partial() : schema;
    const result = validateSearchPage(itemSchema, response.body, { projected, strict: projected ? undefined : strict });
    if (!result.ok) throw new MagentoSchemaError(`a ${entity} search result`, result.issues, response.status, response.context);
    return result.page;
  }

  /**
   * Every page of a search, in a stable order (the entity's id is added as the last sort key),
   * starting at `criteria.currentPage`. Stops safely on any Magento version (see ./paginate).
   */
  async *searchAll<E extends SearchEntity>(
    entity: E,
    criteria: SearchCriteria,
    options: SearchAllOptions = {},
  ): AsyncGenerator<PaginatedPage<SearchRecord<E>>> {
    const stable = withStableSort(criteria, SEARCH_ENTITIES[entity].sortField);
    yield* paginate<SearchRecord<E>>((page) => this.search(entity, { ...stable, currentPage: page }), {
      pageSize: criteria.pageSize,
      startPage: criteria.currentPage ?? 1,
      maxPages: options.maxPages,
      idOf: (record) => searchRecordId(entity, record),
    });
  }

  searchCustomers(criteria: SearchCriteria): Promise<SearchPage<MagentoCustomer>> {
    return this.search("customers", criteria);
  }

  searchCustomerGroups(criteria: SearchCriteria): Promise<SearchPage<MagentoCustomerGroup>> {
    return this.search("customerGroups", criteria);
  }

  searchCarts(criteria: SearchCriteria): Promise<SearchPage<MagentoCart>> {
    return this.search("carts", criteria);
  }

  searchProducts(criteria: SearchCriteria): Promise<SearchPage<MagentoProduct>> {
    return this.search("products", criteria);
  }

  searchOrders(criteria: SearchCriteria): Promise<SearchPage<MagentoOrder>> {
    return this.search("orders", criteria);
  }

  searchCreditMemos(criteria: SearchCriteria): Promise<SearchPage<MagentoCreditMemo>> {
    return this.search("creditMemos", criteria);
  }

  // ── customers and newsletter ────────────────────────────────────────────────────────────

  getCustomer(customerId: number): Promise<MagentoCustomer> {
    return this.call(customerSchema, "a customer", { method: "GET", path: `/V1/customers/${pathSegment(customerId)}` });
  }

  /** The customer exactly as Magento sent it (checked against the schema), for a later PUT. */
  async getCustomerWire(customerId: number): Promise<MagentoCustomerWire> {
    const response = await this.transport.request({ method: "GET", path: `/V1/customers/${pathSegment(customerId)}` });
    parseOrThrow(customerSchema, response.body, "a customer", response.status, response.context);
    return response.body as MagentoCustomerWire;
  }

  /** Replaces the customer with the given whole object (PUT semantics: what is left out is lost). */
  putCustomer(customerId: number, customer: MagentoCustomerWire): Promise<MagentoCustomer> {
    return this.call(customerSchema, "a customer", {
      method: "PUT",
      path: `/V1/customers/${pathSegment(customerId)}`,
      body: { customer },
    });
  }

  /**
   * Read-modify-write of a customer: GETs the current record, applies `change` to it as Magento
   * sent it, and PUTs the whole result back (a PUT replaces the customer). Magento has no
   * version check, so an edit made in Magento between the GET and the PUT is overwritten.
   */
  async updateCustomer(customerId: number, change: (customer: MagentoCustomerWire) => MagentoCustomerWire): Promise<MagentoCustomer> {
    const current = await this.getCustomerWire(customerId);
    return this.putCustomer(customerId, change(current));
  }

  /**
   * Creates a customer account (POST /V1/customers, body {customer, password?}); answers the new
   * customer. Not retried after an unclear failure: a repeat would meet "email already exists".
   */
  createCustomer(customer: MagentoCustomerWire, password?: string): Promise<MagentoCustomer> {
    return this.call(customerSchema, "a customer", {
      method: "POST",
      path: "/V1/customers",
      body: password ? { customer, password } : { customer },
      idempotent: false,
    });
  }

  /** Customers with this email (any website), newest last: how a lost registration answer is found again. */
  async findCustomersByEmail(email: string): Promise<MagentoCustomer[]> {
    const page = await this.searchCustomers({
      filterGroups: [[{ field: "email", conditionType: "eq", value: email }]],
      sortOrders: [{ field: "entity_id", direction: "ASC" }],
      pageSize: 20,
      currentPage: 1,
    });
    return page.items;
  }

  getCustomerAddress(addressId: number): Promise<MagentoCustomerAddress> {
    return this.call(customerAddressSchema, "a customer address", {
      method: "GET",
      path: `/V1/customers/addresses/${pathSegment(addressId)}`,
    });
  }

  async getNewsletterSubscription(customerId: number): Promise<NewsletterSubscription> {
    return customerSubscription(await this.getCustomer(customerId));
  }

  /** Subscribes or unsubscribes a customer (GET the customer, set is_subscribed, PUT it whole). */
  async setNewsletterSubscription(customerId: number, subscribed: boolean): Promise<NewsletterSubscription> {
    return customerSubscription(await this.updateCustomer(customerId, (customer) => withSubscription(customer, subscribed)));
  }

  // ── carts and checkout ──────────────────────────────────────────────────────────────────

  getCart(cartId: number): Promise<MagentoCart> {
    return this.call(cartSchema, "a cart", { method: "GET", path: `/V1/carts/${pathSegment(cartId)}` });
  }

  listCartItems(cartId: number): Promise<MagentoCartItem[]> {
    return this.call(z.array(cartItemSchema), "a cart item list", { method: "GET", path: `/V1/carts/${pathSegment(cartId)}/items` });
  }

  /** The customer's active cart id: a new cart, or the one they already have. */
  createCustomerCart(customerId: number): Promise<number> {
    return this.call(idNumber, "a cart id", {
      method: "POST",
      path: `/V1/customers/${pathSegment(customerId)}/carts`,
      // Magento returns the existing active cart on a repeat, so a retry cannot make a second one.
      idempotent: true,
    });
  }

  /** Adds a product by SKU. Not retried after an unclear failure: a repeat would add it twice. */
  addCartItem(cartId: number, item: { sku: string; qty: number }): Promise<MagentoCartItem> {
    return this.call(cartItemSchema, "a cart item", {
      method: "POST",
      path: `/V1/carts/${pathSegment(cartId)}/items`,
      body: { cartItem: { sku: item.sku, qty: item.qty, quote_id: String(cartId) } },
    });
  }

  estimateShippingMethods(cartId: number, address: CartAddressInput): Promise<MagentoShippingMethod[]> {
    return this.call(z.array(shippingMethodSchema), "a shipping method list", {
      method: "POST",
      path: `/V1/carts/${pathSegment(cartId)}/estimate-shipping-methods`,
      body: { address },
      idempotent: true,
    });
  }

  /** Sets shipping (and billing) address and method; answers with payment methods and totals. */
  setShippingInformation(cartId: number, addressInformation: ShippingInformationInput): Promise<MagentoPaymentDetails> {
    return this.call(paymentDetailsSchema, "payment details", {
      method: "POST",
      path: `/V1/carts/${pathSegment(cartId)}/shipping-information`,
      body: { addressInformation },
      idempotent: true,
    });
  }

  listPaymentMethods(cartId: number): Promise<MagentoPaymentMethod[]> {
    return this.call(z.array(paymentMethodSchema), "a payment method list", {
      method: "GET",
      path: `/V1/carts/${pathSegment(cartId)}/payment-methods`,
    });
  }

  /** Selects the cart's payment method; Magento answers with the payment's id as text. */
  setPaymentMethod(cartId: number, method: PaymentMethodInput): Promise<string> {
    return this.call(z.union([z.string(), z.number().transform(String)]), "a payment id", {
      method: "PUT",
      path: `/V1/carts/${pathSegment(cartId)}/selected-payment-method`,
      body: { method },
    });
  }

  /**
   * Places the order and returns its entity_id (not the increment_id). Never retried after an
   * unclear failure: the order may exist; a repeat on the now inactive cart answers 404.
   */
  placeOrder(cartId: number, paymentMethod?: PaymentMethodInput): Promise<number> {
    return this.call(idNumber, "an order id", {
      method: "PUT",
      path: `/V1/carts/${pathSegment(cartId)}/order`,
      body: paymentMethod ? { paymentMethod } : {},
      idempotent: false,
    });
  }

  /**
   * Orders placed from this cart (order.quote_id): how a retry learns that Magento already placed
   * an order whose answer never arrived, instead of placing a second one.
   */
  async findOrdersByQuote(quoteId: number): Promise<{ entityId: number; incrementId: string }[]> {
    const page = await this.searchProjected("orders", {
      filterGroups: [[{ field: "quote_id", conditionType: "eq", value: quoteId }]],
      sortOrders: [{ field: "entity_id", direction: "ASC" }],
      pageSize: 10,
      currentPage: 1,
      fields: "items[entity_id,increment_id,quote_id]",
    });
    return page.items.flatMap((o) =>
      o.entity_id != null && o.increment_id ? [{ entityId: Number(o.entity_id), incrementId: String(o.increment_id) }] : [],
    );
  }

  getCartTotals(cartId: number): Promise<MagentoCartTotals> {
    return this.call(cartTotalsSchema, "cart totals", { method: "GET", path: `/V1/carts/${pathSegment(cartId)}/totals` });
  }

  // ── catalog ─────────────────────────────────────────────────────────────────────────────

  getStockItem(sku: string): Promise<MagentoStockItem> {
    return this.call(stockItemSchema, "a stock item", { method: "GET", path: `/V1/stockItems/${pathSegment(sku)}` });
  }

  // ── sales ───────────────────────────────────────────────────────────────────────────────

  getOrder(orderId: number): Promise<MagentoOrder> {
    return this.call(orderSchema, "an order", { method: "GET", path: `/V1/orders/${pathSegment(orderId)}` });
  }

  getCreditMemo(creditMemoId: number): Promise<MagentoCreditMemo> {
    return this.call(creditMemoSchema, "a credit memo", { method: "GET", path: `/V1/creditmemo/${pathSegment(creditMemoId)}` });
  }
}

/** Parses an answer or throws a MagentoSchemaError listing where it breaks the contract. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  body: unknown,
  what: string,
  status: number,
  context: RequestContext,
): z.output<S> {
  const result = validateValue(schema, body);
  if (!result.ok) throw new MagentoSchemaError(what, result.issues, status, context);
  return result.value;
}

export function createMagentoClient(options: MagentoClientOptions): MagentoClient {
  return new MagentoClient(options);
}

/**
 * Gets an admin token (POST /V1/integration/admin/token → a bare JSON string, valid 4 hours by
 * default). Fails with 401 when 2FA is on: then the token comes from /V1/tfa/provider/….
 */
export async function requestAdminToken(
  options: Omit<TransportOptions, "auth">,
  credentials: { username: string; password: string },
): Promise<string> {
  const transport = new MagentoTransport({ ...options, auth: { type: "none" } });
  const response = await transport.request({
    method: "POST",
    path: "/V1/integration/admin/token",
    body: { username: credentials.username, password: credentials.password },
    idempotent: true,
  });
  return parseOrThrow(z.string().min(1), response.body, "an admin token", response.status, response.context);
}
