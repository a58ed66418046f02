import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { magentoStores } from "@/db/schema";
import type { MagentoClient } from "@/lib/magento/client";
import type { ChannelRow } from "@/lib/sync/types";

// Product search for "New cart": one search request (SKU or name, Magento `like`), then the stock
// of the shown results only, so a search costs at most 1 + SEARCH_LIMIT requests.

export const SEARCH_LIMIT = 10;

export type ProductHit = {
  sku: string;
  name: string;
  /** Decimal string as Magento sent it; null when the product has no price. */
  price: string | null;
  /** The price's currency (catalogCurrency); null when the portal cannot tell. */
  currency: string | null;
  /** Units in stock (decimal string), null when Magento would not say. */
  stockQty: string | null;
  inStock: boolean;
  qtyDecimal: boolean;
};

/** Escapes the `like` wildcards a user typed, so "50%" means the text 50%. */
function likeTerm(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The currency of the prices /V1/products returns over this channel: Magento keeps catalog prices
 * in the base currency of the store view the calls go to (the channel's store code), whatever the
 * customer later pays in. Read from the synced store views; when the store code names none of them
 * (e.g. "all"), the one base currency all of them share; otherwise unknown rather than a guess.
 */
export async function catalogCurrency(db: Db, channel: Pick<ChannelRow, "id" | "storeCode" | "baseCurrencyCode">): Promise<string | null> {
  const stores = await db
    .select({ code: magentoStores.code, currency: magentoStores.baseCurrencyCode })
    .from(magentoStores)
    .where(and(eq(magentoStores.channelId, channel.id), isNull(magentoStores.removedAt), isNotNull(magentoStores.baseCurrencyCode)));
  const own = stores.find((s) => s.code === channel.storeCode)?.currency;
  if (own) return own;
  const all = new Set(stores.map((s) => s.currency));
  if (all.size === 1) return [...all][0]!;
  return all.size === 0 ? (channel.baseCurrencyCode ?? null) : null;
}

export async function searchProducts(client: MagentoClient, rawTerm: string, currency: string | null): Promise<ProductHit[]> {
  const term = rawTerm.trim();
  if (term.length < 2) return [];
  const value = likeTerm(term);
  const page = await client.search("products", {
    // Filters in one group are ORed: the SKU or the name.
    filterGroups: [
      [
        { field: "sku", conditionType: "like", value },
        { field: "name", conditionType: "like", value },
      ],
    ],
    sortOrders: [{ field: "sku", direction: "ASC" }],
    pageSize: SEARCH_LIMIT,
    currentPage: 1,
  });
  const products = page.items.slice(0, SEARCH_LIMIT);
  return Promise.all(
    products.map(async (p): Promise<ProductHit> => {
      const base = { sku: p.sku, name: p.name ?? p.sku, price: p.price == null ? null : String(p.price), currency };
      try {
        const stock = await client.getStockItem(p.sku);
        return {
          ...base,
          stockQty: String(stock.qty),
          inStock: stock.is_in_stock && Number(stock.qty) > 0,
          qtyDecimal: stock.is_qty_decimal,
        };
      } catch {
        return { ...base, stockQty: null, inStock: false, qtyDecimal: false };
      }
    }),
  );
}
