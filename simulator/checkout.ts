// Carts changed over REST, as a shopper's checkout does: a customer's cart, items added, changed
// and removed, the payment method, placing the order (stock taken, cart closed); and deleting a cart.
import { CHECKOUT_PAYMENT_METHODS, viewCurrencies } from "./data";
import { MagentoError } from "./errors";
import { chosenChild, orderLines } from "./basket";
import { convert, shippingRate, taxRateFor } from "./pricing";
import { storeView } from "./render";
import type { MagentoStore } from "./store";
import type { Cart, CartItem, Order, OrderItem, Product } from "./types";
import { formatDate } from "./util";

/** POST /V1/customers/{id}/carts: the customer's active cart, or a new empty one. */
export function cartForCustomer(store: MagentoStore, customerId: number, storeId: number | null): number {
  store.changed();
  const customer = store.getCustomer(customerId);
  const existing = store.activeCartByCustomer.get(customerId);
  if (existing !== undefined && store.carts.get(existing)?.isActive) return existing;
  const at = formatDate(store.now());
  const sid = storeId && storeId > 0 ? storeId : customer.store_id;
  const view = storeView(sid);
  const id = ++store.seq.cart;
  const cart: Cart = {
    id,
    storeId: sid,
    customerId,
    isGuest: false,
    createdAt: at,
    updatedAt: at,
    isActive: true,
    reservedOrderId: null,
    currency: view.currency,
    rate: viewCurrencies(sid).orderRate,
    items: [],
  };
  store.carts.set(id, cart);
  store.activeCartByCustomer.set(customerId, id);
  store.pushed.cartChanges.push({ cartId: id, action: "create", detail: { customerId }, at });
  return id;
}

/**
 * POST /V1/carts/{id}/items. A configurable parent needs its configurable_item_options (attribute
 * id → option id) to pick a child; a child's own SKU is added as a plain simple product.
 */
export function addCartItem(
  store: MagentoStore,
  cartId: number,
  sku: string,
  qty: number,
  options: { optionId: string; optionValue: number }[] = [],
): CartItem {
  store.changed();
  const cart = store.getActiveCart(cartId);
  const product = store.product(sku);
  if (!product) throw new MagentoError(404, "The product that was requested doesn't exist. Verify the product and try again.");
  let child: Product | undefined;
  if (product.type === "configurable") {
    child = store.childrenOf(product).find((c) => {
      const own = c.options ?? [];
      return (
        own.length > 0 && own.every((o) => options.some((x) => x.optionId === String(o.attributeId) && x.optionValue === o.valueIndex))
      );
    });
    if (!child) throw new MagentoError(400, "You need to choose options for your item.");
  }
  const stock = child ?? product;
  const existing = cart.items.find((i) => i.productId === product.id && i.child?.productId === child?.id);
  const wanted = qty + (existing?.qty ?? 0);
  if (stock.qty <= 0 || wanted > stock.qty) throw new MagentoError(400, "The requested qty is not available");
  const at = store.now();
  let item: CartItem;
  if (existing) {
    existing.qty = wanted;
    item = existing;
  } else {
    item = {
      itemId: ++store.seq.cartItem,
      productId: product.id,
      ...(child ? { child: chosenChild(child) } : {}),
      sku: stock.sku,
      name: product.name,
      qty,
      price: convert(convert(product.priceCents, viewCurrencies(cart.storeId).catalogueRate), cart.rate),
      basePrice: convert(product.priceCents, viewCurrencies(cart.storeId).catalogueRate),
      weight: product.weight,
    };
    cart.items.push(item);
  }
  cart.updatedAt = formatDate(at);
  store.pushed.cartChanges.push({ cartId, action: "add_item", detail: { sku: product.sku, qty, itemId: item.itemId }, at: cart.updatedAt });
  return item;
}

export function updateCartItem(store: MagentoStore, cartId: number, itemId: number, qty: number): CartItem {
  store.changed();
  const cart = store.getActiveCart(cartId);
  const item = cart.items.find((i) => i.itemId === itemId);
  if (!item) throw new MagentoError(404, "The %1 Cart doesn't contain the %2 item.", [String(cartId), String(itemId)]);
  const product = store.stockProduct(item);
  if (product && (product.qty <= 0 || qty > product.qty)) throw new MagentoError(400, "The requested qty is not available");
  item.qty = qty;
  cart.updatedAt = formatDate(store.now());
  store.pushed.cartChanges.push({ cartId, action: "update_item", detail: { itemId, qty }, at: cart.updatedAt });
  return item;
}

export function deleteCartItem(store: MagentoStore, cartId: number, itemId: number) {
  store.changed();
  const cart = store.getActiveCart(cartId);
  const idx = cart.items.findIndex((i) => i.itemId === itemId);
  if (idx < 0) throw new MagentoError(404, "The %1 Cart doesn't contain the %2 item.", [String(cartId), String(itemId)]);
  cart.items.splice(idx, 1);
  cart.updatedAt = formatDate(store.now());
  store.pushed.cartChanges.push({ cartId, action: "delete_item", detail: { itemId }, at: cart.updatedAt });
}

/** PUT /V1/carts/{id}/order. Returns the new order's entity_id. */
export function placeOrder(store: MagentoStore, cartId: number, payment: { method: string; po_number?: string } | undefined): Order {
  store.changed();
  const cart = store.getActiveCart(cartId);
  if (cart.items.length === 0) {
    throw new MagentoError(400, "Unable to place order: %1", ["The cart is empty. Add items to the cart and try again."]);
  }
  if (payment) setPayment(store, cart, payment);
  if (!cart.shippingAddress) {
    throw new MagentoError(400, "Unable to place order: %1", ["The shipping address is missing. Set the address and try again."]);
  }
  if (!cart.shippingMethod) throw new MagentoError(400, "The shipping method is missing. Select the shipping method and try again.");
  const rate = shippingRate(
    cart.items,
    cart.shippingMethod.carrier,
    cart.shippingMethod.method,
    viewCurrencies(cart.storeId).catalogueRate,
  );
  if (!rate) throw new MagentoError(400, "The shipping method is missing. Select the shipping method and try again.");
  if (!cart.payment) throw new MagentoError(400, "Enter a valid payment method and try again.");
  for (const item of cart.items) {
    const product = store.stockProduct(item);
    if (!product || product.qty < item.qty) throw new MagentoError(400, "The requested qty is not available");
  }
  const customer = cart.customerId !== null ? store.customers.get(cart.customerId) : undefined;
  const at = store.now();
  const taxRate = taxRateFor(cart.shippingAddress);
  const entityId = ++store.seq.order;
  const items: OrderItem[] = cart.items.map((ci) => {
    const product = store.productById(ci.productId)!;
    const [line] = orderLines(
      store,
      [{ product, qty: ci.qty, price: ci.price, basePrice: ci.basePrice, ...(ci.child ? { child: ci.child } : {}) }],
      cart.rate,
      cart.couponPercent ?? 0,
      taxRate,
    );
    line!.quoteItemId = ci.itemId;
    line!.name = ci.name;
    return line!;
  });
  const email = customer?.email ?? cart.guest?.email ?? cart.shippingAddress.email;
  const order: Order = {
    entityId,
    incrementId: store.nextOrderIncrement(cart.storeId),
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
    protectCode: store.rng.hex(6),
    history: [],
  };
  store.orders.set(entityId, order);
  for (const item of cart.items) {
    const product = store.stockProduct(item)!;
    product.qty -= item.qty;
    product.updatedAt = formatDate(at);
  }
  cart.isActive = false;
  cart.reservedOrderId = order.incrementId;
  cart.orderId = entityId;
  cart.updatedAt = formatDate(at);
  if (cart.customerId !== null && store.activeCartByCustomer.get(cart.customerId) === cart.id)
    store.activeCartByCustomer.delete(cart.customerId);
  store.pushed.placedOrders.push({
    orderId: entityId,
    incrementId: order.incrementId,
    cartId: cart.id,
    customerId: order.customerId,
    grandTotal: Number(store.orderColumns(order).grand_total),
    at: order.createdAt,
  });
  return order;
}

export function setPayment(store: MagentoStore, cart: Cart, payment: { method: string; po_number?: string }) {
  store.changed();
  const method = payment.method;
  const allowed: readonly string[] = CHECKOUT_PAYMENT_METHODS;
  if (!allowed.includes(method) && !(method === "free" && cartGrandIsZero(cart))) {
    throw new MagentoError(400, "The requested Payment Method is not available.");
  }
  if (method === "purchaseorder" && !payment.po_number) throw new MagentoError(400, "Purchase order number is a required field.");
  cart.payment = { method, ...(payment.po_number ? { poNumber: payment.po_number } : {}) };
  cart.updatedAt = formatDate(store.now());
  store.pushed.cartChanges.push({ cartId: cart.id, action: "payment_method", detail: { method }, at: cart.updatedAt });
}

function cartGrandIsZero(cart: Cart): boolean {
  return cart.items.every((i) => i.price === 0) || cart.couponPercent === 100;
}

export function deleteCart(store: MagentoStore, id: number) {
  store.changed();
  const c = store.carts.get(id);
  if (!c) return false;
  store.carts.delete(id);
  if (c.customerId !== null && store.activeCartByCustomer.get(c.customerId) === id) store.activeCartByCustomer.delete(c.customerId);
  return true;
}
