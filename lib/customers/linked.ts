import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { magentoCustomers } from "@/db/schema";
import { queryRows } from "@/db/rows";
import { customerName } from "@/lib/customers/name";

// The portal customer a synced record (an order, a credit memo) points at, as its detail page shows it.

/** The account a customer belongs to, as the "Account: <name>" link on a record's page names it. */
export type CustomerAccount = { id: number; name: string };

export interface LinkedCustomer {
  id: number;
  email: string;
  name: string | null;
  isGuest: boolean;
  account: CustomerAccount | null;
}

/**
 * The customer with this id unless it was removed; null when there is no id or no such customer.
 * The loader that calls it has checked the permission.
 */
export async function linkedCustomer(db: Db, customerId: number | null): Promise<LinkedCustomer | null> {
  if (customerId === null) return null;
  const [[customer], account] = await Promise.all([
    db
      .select({
        id: magentoCustomers.id,
        email: magentoCustomers.email,
        firstName: magentoCustomers.firstName,
        lastName: magentoCustomers.lastName,
        isGuest: magentoCustomers.isGuest,
      })
      .from(magentoCustomers)
      .where(and(eq(magentoCustomers.id, customerId), isNull(magentoCustomers.removedAt))),
    customerAccount(db, customerId),
  ]);
  if (!customer) return null;
  return {
    id: customer.id,
    email: customer.email,
    name: customerName({ firstName: customer.firstName, lastName: customer.lastName }),
    isGuest: customer.isGuest,
    account,
  };
}

/**
 * The account of a customer; an account staff merged away stands for the one it was merged into
 * (its page would only send the reader there). Null before the sync has assigned one.
 */
export async function customerAccount(db: Db, customerId: number): Promise<CustomerAccount | null> {
  const [row] = await queryRows<{ id: unknown; name: string }>(
    db,
    sql`
    WITH RECURSIVE chain(id, name, merged_into_id, depth) AS (
      SELECT a.id, a.name, a.merged_into_id, 1 FROM magento_customers c JOIN accounts a ON a.id = c.account_id WHERE c.id = ${customerId}
      UNION ALL
      SELECT a.id, a.name, a.merged_into_id, chain.depth + 1 FROM accounts a JOIN chain ON a.id = chain.merged_into_id WHERE chain.depth < 20
    )
    SELECT id, name FROM chain WHERE merged_into_id IS NULL LIMIT 1`,
  );
  return row ? { id: Number(row.id), name: row.name } : null;
}
