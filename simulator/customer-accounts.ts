// Customer accounts changed over REST and by ticks: a whole-customer PUT (recorded in pushed, with
// subscription changes), a new account (POST /V1/customers), and deleting a customer.
import { addressFromInput } from "./addresses";
import { MagentoError } from "./errors";
import type { MagentoStore } from "./store";
import type { Customer, Json } from "./types";
import { formatDate } from "./util";

/** PUT /V1/customers/{id}: the sent object replaces the customer (addresses kept when not sent). */
export function replaceCustomer(store: MagentoStore, id: number, sent: Json): Customer {
  store.changed();
  const before = store.getCustomer(id);
  const at = formatDate(store.now());
  const email = String(sent.email);
  const websiteId = typeof sent.website_id === "number" ? sent.website_id : before.website_id;
  const owner = store.emails.get(email.toLowerCase()) ?? store.emails.get(email);
  if (owner !== undefined && owner !== id && store.customers.get(owner)?.website_id === websiteId) {
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
    for (const a of before.addresses) store.addresses.delete(a.id);
    after.addresses = (sent.addresses as Json[]).map((raw) => addressFromInput(store, raw, id));
    for (const a of after.addresses) store.addresses.set(a.id, a);
  }
  const billing =
    after.addresses.find((a) => a.default_billing) ??
    (typeof sent.default_billing === "string" ? after.addresses.find((a) => String(a.id) === sent.default_billing) : undefined) ??
    (Array.isArray(sent.addresses) ? undefined : after.addresses.find((a) => String(a.id) === before.default_billing));
  const shipping =
    after.addresses.find((a) => a.default_shipping) ??
    (typeof sent.default_shipping === "string" ? after.addresses.find((a) => String(a.id) === sent.default_shipping) : undefined) ??
    (Array.isArray(sent.addresses) ? undefined : after.addresses.find((a) => String(a.id) === before.default_shipping));
  if (billing) after.default_billing = String(billing.id);
  if (shipping) after.default_shipping = String(shipping.id);
  const ext = sent.extension_attributes;
  const wasSubscribed = before.extension_attributes.is_subscribed === true;
  if (ext && typeof ext === "object" && typeof (ext as Json).is_subscribed === "boolean") {
    after.extension_attributes.is_subscribed = (ext as Json).is_subscribed as boolean;
  }
  const nowSubscribed = after.extension_attributes.is_subscribed === true;
  store.emails.delete(before.email);
  store.emails.set(after.email, id);
  const snapshot = structuredClone(before) as Json;
  store.customers.set(id, after);
  store.pushed.customerUpdates.push({ customerId: id, before: snapshot, after: structuredClone(after) as Json, at });
  if (wasSubscribed !== nowSubscribed) {
    store.pushed.subscriptionChanges.push({ customerId: id, email: after.email, from: wasSubscribed, to: nowSubscribed, at });
  }
  return after;
}

/**
 * POST /V1/customers (AccountManagement::createAccount): a new customer in the given website and
 * store view, in the website's default group unless one is sent. The email must be unused in
 * that website (customer accounts are shared per website).
 */
export function createAccount(store: MagentoStore, sent: Json, scope: { websiteId: number; storeId: number; storeName: string }): Customer {
  const email = String(sent.email);
  const websiteId = typeof sent.website_id === "number" && sent.website_id > 0 ? sent.website_id : scope.websiteId;
  const taken = [...store.customers.values()].some((c) => c.website_id === websiteId && c.email.toLowerCase() === email.toLowerCase());
  if (taken) throw new MagentoError(400, "A customer with the same email address already exists in an associated website.");
  store.changed();
  const id = ++store.seq.customer;
  const at = formatDate(store.now());
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
    customer.addresses = (sent.addresses as Json[]).map((raw) => addressFromInput(store, { ...raw, id: undefined }, id));
    for (const a of customer.addresses) store.addresses.set(a.id, a);
  }
  const billing = customer.addresses.find((a) => a.default_billing);
  const shipping = customer.addresses.find((a) => a.default_shipping);
  if (billing) customer.default_billing = String(billing.id);
  if (shipping) customer.default_shipping = String(shipping.id);
  const ext = sent.extension_attributes;
  if (ext && typeof ext === "object" && (ext as Json).is_subscribed === true) {
    customer.extension_attributes.is_subscribed = true;
    store.pushed.subscriptionChanges.push({ customerId: id, email, from: false, to: true, at });
  }
  store.customers.set(id, customer);
  if (!store.emails.has(email)) store.emails.set(email, id);
  store.pushed.registrations.push({ customerId: id, email, websiteId, at });
  return customer;
}

export function deleteCustomer(store: MagentoStore, id: number) {
  store.changed();
  const c = store.customers.get(id);
  if (!c) return false;
  store.customers.delete(id);
  store.emails.delete(c.email);
  for (const a of c.addresses) store.addresses.delete(a.id);
  const cartId = store.activeCartByCustomer.get(id);
  if (cartId !== undefined) {
    store.carts.delete(cartId);
    store.activeCartByCustomer.delete(id);
  }
  // sales_order.customer_id is ON DELETE SET NULL: the orders stay, without the link.
  for (const o of store.orders.values()) {
    if (o.customerId === id) {
      o.customerId = null;
      o.header = undefined;
    }
  }
  return true;
}
