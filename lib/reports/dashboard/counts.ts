import "server-only";
import { count, isNull } from "drizzle-orm";
import { getDb } from "@/db/client";
import { channels, magentoCarts, magentoCreditMemos, magentoCustomers, magentoNewsletterSubscribers, magentoOrders } from "@/db/schema";
import { requirePermission, type SessionUser } from "@/lib/auth/session";

export type WorkspaceCounts = {
  channels: number;
  carts: number;
  orders: number;
  creditMemos: number;
  customers: number;
  subscribers: number;
};

/** How many synced records each workspace area holds (rows removed in Magento excluded). */
export async function getWorkspaceCounts(user: SessionUser | null): Promise<WorkspaceCounts> {
  requirePermission(user, "view_sales");
  const db = await getDb();
  const countOf = async (
    table:
      | typeof magentoCarts
      | typeof magentoOrders
      | typeof magentoCreditMemos
      | typeof magentoCustomers
      | typeof magentoNewsletterSubscribers,
  ) => {
    const [row] = await db.select({ n: count() }).from(table).where(isNull(table.removedAt));
    return row?.n ?? 0;
  };
  const [channelRow] = await db.select({ n: count() }).from(channels).where(isNull(channels.deletingAt));
  const [carts, orders, creditMemos, customers, subscribers] = await Promise.all([
    countOf(magentoCarts),
    countOf(magentoOrders),
    countOf(magentoCreditMemos),
    countOf(magentoCustomers),
    countOf(magentoNewsletterSubscribers),
  ]);
  return { channels: channelRow?.n ?? 0, carts, orders, creditMemos, customers, subscribers };
}
