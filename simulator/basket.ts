// What a shopper buys: random baskets drawn from the catalogue, the child a configurable product
// was bought as, and the order lines (item ids, money, tax) built from a basket.
import { convert, priceLine } from "./pricing";
import type { Random } from "./random";
import type { MagentoStore } from "./store";
import type { ChosenChild, OrderItem, Product } from "./types";

/** A basket line: a simple product, or a configurable parent bought as one of its children. */
export type BasketLine = { product: Product; qty: number; child?: Product };

/** The child a configurable line was bought as, as order and quote items keep it. */
export function chosenChild(child: Product): ChosenChild {
  return { productId: child.id, sku: child.sku, name: child.name, options: (child.options ?? []).map((o) => ({ ...o })) };
}

/** A basket line as orderLines() takes it. */
export function basketLine(line: BasketLine) {
  return { product: line.product, qty: line.qty, ...(line.child ? { child: chosenChild(line.child) } : {}) };
}

/**
 * Picks the products and quantities of a basket: simple products, and in about a fifth of the
 * baskets one configurable product bought in one of its sizes / colours.
 */
export function randomBasket(store: MagentoStore, rng: Random, inStockOnly: boolean): BasketLine[] {
  const { simple, configurable } = store.sellable();
  const pool = inStockOnly ? simple.filter((p) => p.qty > 5) : simple;
  const count = rng.weighted([
    [1, 45],
    [2, 30],
    [3, 15],
    [4, 10],
  ]);
  const withConfigurable = configurable.length > 0 && rng.chance(0.2);
  const lines: BasketLine[] = rng.sample(pool, withConfigurable ? count - 1 : count).map((product) => ({
    product,
    qty: rng.weighted([
      [1, 75],
      [2, 18],
      [3, 7],
    ]),
  }));
  if (withConfigurable) {
    const parent = rng.pick(configurable);
    const children = store.childrenOf(parent).filter((c) => !inStockOnly || c.qty > 5);
    if (children.length > 0)
      lines.push({
        product: parent,
        child: rng.pick(children),
        qty: rng.weighted([
          [1, 80],
          [2, 15],
          [3, 5],
        ]),
      });
  }
  if (lines.length === 0) lines.push({ product: rng.pick(pool.length ? pool : simple), qty: 1 });
  return lines;
}

/**
 * Builds order lines (ids assigned) for products × qty in a store's currency. A configurable
 * line takes the child's SKU and two item ids (parent, then child), as Magento numbers them.
 * Without a given base price, the catalogue's (USD) price is converted to the base currency at `catalogueRate`.
 */
export function orderLines(
  store: MagentoStore,
  lines: { product: Product; qty: number; price?: number; basePrice?: number; child?: ChosenChild }[],
  rate: number,
  discountPercent: number,
  taxRate: number,
  catalogueRate = 1,
): OrderItem[] {
  return lines.map(({ product, qty, price, basePrice, child }) => {
    const base = basePrice ?? convert(product.priceCents, catalogueRate);
    const itemId = ++store.seq.orderItem;
    const item: OrderItem = {
      itemId,
      ...(child ? { child: { ...child, options: child.options.slice(), itemId: ++store.seq.orderItem } } : {}),
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
