// Internal records of the simulated store. They are compact on purpose (integer cents, few
// fields); render.ts turns them into the exact JSON shapes of the official schema on demand.

export type Json = Record<string, unknown>;

export type Currency = "USD" | "EUR";

/**
 * A customer address-book entry (customer-data-address-interface). In a country without regions
 * Magento keeps `region_code` and `region` null (region_id 0); render.ts sends them as they are,
 * or as "" when the simulator runs with strictSchema.
 */
export type CustomerAddress = {
  id: number;
  customer_id: number;
  region: { region_code: string | null; region: string | null; region_id: number };
  region_id: number;
  country_id: string;
  street: string[];
  company?: string;
  telephone: string;
  postcode: string;
  city: string;
  firstname: string;
  lastname: string;
  default_shipping?: boolean;
  default_billing?: boolean;
};

/** A customer exactly as GET /V1/customers/{id} returns it (customer-data-customer-interface). */
export type Customer = {
  id: number;
  group_id: number;
  default_billing?: string;
  default_shipping?: string;
  created_at: string;
  updated_at: string;
  created_in: string;
  dob?: string;
  email: string;
  firstname: string;
  lastname: string;
  middlename?: string;
  prefix?: string;
  suffix?: string;
  gender?: number;
  store_id: number;
  taxvat?: string;
  website_id: number;
  addresses: CustomerAddress[];
  disable_auto_group_change: number;
  extension_attributes: { is_subscribed: boolean } & Json;
  custom_attributes?: { attribute_code: string; value: string }[];
} & Json;

/** A configurable attribute value a child product stands for (Luma's color / size). */
export type OptionValue = { attributeId: number; attributeCode: string; label: string; valueIndex: number; value: string };

export type Product = {
  id: number;
  sku: string;
  name: string;
  priceCents: number;
  weight: number;
  /** Own stock; a configurable parent has none (its children hold the stock). */
  qty: number;
  createdAt: string;
  updatedAt: string;
  kind: number;
  type: "simple" | "configurable";
  /** Base cost (cents) when the product has Magento's `cost` attribute; most stores leave it empty. */
  costCents: number | null;
  /** A configurable parent: its children (simple products), in id order. */
  childIds?: number[];
  /** A configurable child: its parent and the option values that pick it. */
  parentId?: number;
  options?: OptionValue[];
};

/** The simple product a configurable line was bought as (Magento's child order / quote item). */
export type ChosenChild = { productId: number; sku: string; name: string; options: OptionValue[] };

/** A postal address as orders and carts hold it. */
export type PostalAddress = {
  firstname: string;
  lastname: string;
  company?: string;
  street: string[];
  city: string;
  postcode: string;
  countryId: string;
  region: string;
  regionId: number;
  regionCode: string;
  telephone: string;
  email: string;
  customerAddressId?: number;
};

/**
 * One visible order line. A configurable line is the parent (amounts, the child's SKU, the
 * parent's name) plus `child`: Magento sends the child as a second item (price 0) that
 * render.ts expands; keeping both in one record keeps every amount counted once.
 */
export type OrderItem = {
  itemId: number;
  /** The child order item of a configurable line (its item id is the parent's + 1). */
  child?: ChosenChild & { itemId: number };
  quoteItemId: number;
  productId: number;
  sku: string;
  name: string;
  weight: number;
  /** The product's unit cost (base cents) when it has the cost attribute, else null. */
  cost: number | null;
  qty: number;
  /** Unit price in the order currency and in the base currency (cents). */
  price: number;
  basePrice: number;
  discount: number;
  baseDiscount: number;
  discountPercent: number;
  tax: number;
  baseTax: number;
  /** Tax percent ×100 (725 = 7.25 %). */
  taxRate: number;
  qtyInvoiced: number;
  qtyShipped: number;
  qtyCanceled: number;
  qtyRefunded: number;
};

export type HistoryEntry = { comment: string; status: string; createdAt: string; notified: number; visible: number };

export type Order = {
  entityId: number;
  incrementId: string;
  quoteId: number;
  storeId: number;
  customerId: number | null;
  isGuest: boolean;
  groupId: number;
  email: string;
  firstname: string;
  lastname: string;
  dob?: string;
  gender?: number;
  createdAt: string;
  updatedAt: string;
  state: string;
  status: string;
  holdBeforeState?: string;
  holdBeforeStatus?: string;
  currency: Currency;
  rate: number;
  items: OrderItem[];
  billingAddress: PostalAddress;
  shippingAddress: PostalAddress;
  shippingMethod: string;
  shippingDescription: string;
  shippingAmount: number;
  baseShippingAmount: number;
  paymentMethod: string;
  poNumber?: string;
  couponCode?: string;
  appliedRuleIds?: string;
  invoiced: boolean;
  canceled: boolean;
  creditmemoIds: number[];
  remoteIp: string;
  protectCode: string;
  customerNote?: string;
  history: HistoryEntry[];
  /** Cached flat header (top-level scalars), cleared on every change. */
  header?: Json;
};

/** A refunded line; `childEntityId` is the zero-amount memo item of a configurable line's child. */
export type CreditmemoItem = { entityId: number; orderItemId: number; qty: number; backToStock: boolean; childEntityId?: number };

export type Creditmemo = {
  entityId: number;
  incrementId: string;
  orderId: number;
  storeId: number;
  createdAt: string;
  updatedAt: string;
  items: CreditmemoItem[];
  /** Per-line refunded amounts are fixed at creation (cents, order currency then base). */
  lines: { row: number; baseRow: number; discount: number; baseDiscount: number; tax: number; baseTax: number }[];
  shipping: number;
  baseShipping: number;
  adjustmentPositive: number;
  baseAdjustmentPositive: number;
  adjustmentNegative: number;
  baseAdjustmentNegative: number;
  comment?: string;
  header?: Json;
};

/** A visible quote item; a configurable one carries the chosen child (Magento's hidden child item). */
export type CartItem = {
  itemId: number;
  productId: number;
  child?: ChosenChild;
  sku: string;
  name: string;
  qty: number;
  /** Unit price in the cart currency and the base currency (cents). */
  price: number;
  basePrice: number;
  weight: number;
};

export type Cart = {
  id: number;
  storeId: number;
  customerId: number | null;
  isGuest: boolean;
  /** Guest checkout contact (carts of registered customers use the customer record). */
  guest?: { email: string; firstname: string; lastname: string };
  createdAt: string;
  updatedAt: string;
  isActive: boolean;
  reservedOrderId: string | null;
  orderId?: number;
  currency: Currency;
  rate: number;
  items: CartItem[];
  billing?: PostalAddress;
  shippingAddress?: PostalAddress;
  shippingMethod?: { carrier: string; method: string };
  payment?: { method: string; poNumber?: string };
  couponCode?: string;
  couponPercent?: number;
};
