import type { MagentoClient } from "@/lib/magento/client";

// Product search for "New cart": one search request (SKU or name, Magento `like`), then the stock
// of the shown results only, so a search costs at most 1 + SEARCH_LIMIT requests.

export const SEARCH_LIMIT = 10;

export type ProductHit = {
  sku: string;
  name: string;
  /** Decimal string as Magento sent it; null when the product has no price. */
  price: string | null;
  /** Units in stock (decimal string), null when Magento would not say. */
  stockQty: string | null;
  inStock: boolean;
  qtyDecimal: boolean;
};

/** Escapes the `like` wildcards a user typed, so "50%" means the text 50%. */
function likeTerm(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function searchProducts(client: MagentoClient, rawTerm: string): Promise<ProductHit[]> {
  const term = rawTerm.trim();
  if (term.length < 2) return [];
  const value = likeTerm(term);
  const page = await client.search("products", {
    // Filters in one group are ORed: the SKU or the name.
    filterGroups: [[{ field: "sku", conditionType: "like", value }, { field: "name", conditionType: "like", value }]],
    sortOrders: [{ field: "sku", direction: "ASC" }],
    pageSize: SEARCH_LIMIT,
    currentPage: 1,
  });
  const products = page.items.slice(0, SEARCH_LIMIT);
  return Promise.all(products.map(async (p): Promise<ProductHit> => {
    const base = { sku: p.sku, name: p.name ?? p.sku, price: p.price == null ? null : String(p.price) };
    try {
      const stock = await client.getStockItem(p.sku);
      return { ...base, stockQty: String(stock.qty), inStock: stock.is_in_stock && Number(stock.qty) > 0, qtyDecimal: stock.is_qty_decimal };
    } catch {
      return { ...base, stockQty: null, inStock: false, qtyDecimal: false };
    }
  }));
}
