import type { MagentoCustomer, MagentoCustomerWire } from "./schemas/customer";

// Newsletter subscriptions. Core Magento REST has no subscriber route: the state is the
// customer's `extension_attributes.is_subscribed` (shared/magento/README, fact 13), read with
// GET /V1/customers/{id} and changed by PUTting the whole customer back.

export type SubscriptionStatus = "subscribed" | "unsubscribed" | "unknown";

export interface NewsletterSubscription {
  customerId: number | null;
  email: string | null;
  storeId: number | null;
  /** "unknown" when the answer did not carry is_subscribed (search results usually do not). */
  status: SubscriptionStatus;
}

/** The subscription a customer record describes. */
export function customerSubscription(customer: MagentoCustomer): NewsletterSubscription {
  const flag = customer.extension_attributes?.is_subscribed;
  return {
    customerId: customer.id ?? null,
    email: customer.email ?? null,
    storeId: customer.store_id ?? null,
    status: flag === true ? "subscribed" : flag === false ? "unsubscribed" : "unknown",
  };
}

/** A copy of the customer as Magento sent it, with the subscription flag set (for a PUT). */
export function withSubscription(customer: MagentoCustomerWire, subscribed: boolean): MagentoCustomerWire {
  return { ...customer, extension_attributes: { ...(customer.extension_attributes ?? {}), is_subscribed: subscribed } };
}
