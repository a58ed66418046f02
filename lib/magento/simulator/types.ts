// Internal records of the simulated store. They are compact on purpose (integer cents, few
// fields); render.ts turns them into the exact JSON shapes of the official schema on demand.

export type Json = Record<string, unknown>;

export type Currency = "USD" | "EUR";

/** A customer address-book entry (customer-data-address-interface). */
export type CustomerAddress = {
  id: number;
  customer_id: number;
  region: { region_code: string; region: string; region_id: number };
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

export type Product = {
  id: number;
  sku: string;
  name: string;
  priceCents: number;
  weight: number;
  qty: number;
  createdAt: string;
  updatedAt: string;
  kind: number;
};

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

export type OrderItem = {
  itemId: number;
  quoteItemId: number;
  productId: number;
  sku: string;
  name: string;
  weight: number;
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

export type CreditmemoItem = { entityId: number; orderItemId: number; qty: number; backToStock: boolean };

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

export type CartItem = {
  itemId: number;
  productId: number;
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
