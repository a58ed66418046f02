import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { magentoCustomers } from "@/db/schema";
import { customerName } from "@/lib/customers/name";

// The portal customer a synced record (an order, a credit memo) points at, as its detail page shows it.

export interface LinkedCustomer {
  id: number;
  email: string;
  name: string | null;
  isGuest: boolean;
}

/**
 * The customer with this id unless it was removed; null when there is no id or no such customer.
 * The loader that calls it has checked the permission.
 */
export async function linkedCustomer(db: Db, customerId: number | null): Promise<LinkedCustomer | null> {
  if (customerId === null) return null;
  const [customer] = await db
    .select({
      id: magentoCustomers.id,
      email: magentoCustomers.email,
      firstName: magentoCustomers.firstName,
      lastName: magentoCustomers.lastName,
      isGuest: magentoCustomers.isGuest,
    })
    .from(magentoCustomers)
    .where(and(eq(magentoCustomers.id, customerId), isNull(magentoCustomers.removedAt)));
  if (!customer) return null;
  return {
    id: customer.id,
    email: customer.email,
    name: customerName({ firstName: customer.firstName, lastName: customer.lastName }),
    isGuest: customer.isGuest,
  };
}
