// Generated carts: the inactive cart an order was converted from, and open carts of customers
// and guests (some with checkout details already filled in).
import { viewCurrencies } from "./data";
import { fromCustomerAddress } from "./addresses";
import { chosenChild, randomBasket } from "./basket";
import { countryForStore, randomPerson, randomPostal, uniqueEmail } from "./generate-customers";
import { convert, splitMethod } from "./pricing";
import type { Random } from "./random";
import { storeView } from "./render";
import type { MagentoStore } from "./store";
import type { Cart, CartItem, Customer, Order, PostalAddress } from "./types";
import { formatDate } from "./util";

/** The inactive cart an order was converted from. */
export function convertedCart(store: MagentoStore, order: Order, cartId: number, createdAt: string): Cart {
  store.changed();
  const items: CartItem[] = order.items.map((i) => {
    const itemId = ++store.seq.cartItem;
    i.quoteItemId = itemId;
    return {
      itemId,
      productId: i.productId,
      sku: i.sku,
      name: i.name,
      qty: i.qty,
      price: i.price,
      basePrice: i.basePrice,
      weight: i.weight,
      ...(i.child
        ? { child: { productId: i.child.productId, sku: i.child.sku, name: i.child.name, options: i.child.options.slice() } }
        : {}),
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
  store.carts.set(cartId, cart);
  return cart;
}

/** A new active cart (customer or guest) with a few items; `withCheckout` also sets address and method. */
export function buildActiveCart(
  store: MagentoStore,
  rng: Random,
  id: number,
  customer: Customer | null,
  storeIdForGuest: number,
  createdAt: number,
  updatedAt: number,
  withCheckout: boolean,
): Cart {
  store.changed();
  const storeId = customer ? customer.store_id : storeIdForGuest;
  const view = storeView(storeId);
  const currencies = viewCurrencies(storeId);
  const rate = currencies.orderRate;
  const items: CartItem[] = randomBasket(store, rng, true).map(({ product, qty, child }) => ({
    itemId: ++store.seq.cartItem,
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
    if (a) address = fromCustomerAddress(a, customer.email);
  } else {
    const country = countryForStore(rng, storeId);
    const person = randomPerson(rng, country);
    guest = { email: uniqueEmail(store, rng, person.firstname, person.lastname, country), ...person };
    address = randomPostal(rng, country, person, guest.email);
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
  store.carts.set(id, cart);
  if (customer) store.activeCartByCustomer.set(customer.id, id);
  return cart;
}
