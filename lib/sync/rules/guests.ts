import { sql } from "drizzle-orm";
import type { DbTx } from "@/db/client";
import type { ChannelRow } from "@/lib/sync/types";
import { queryRows } from "@/db/rows";
import { recordset } from "@/lib/sync/write/upsert";
import { accountIdFor, resolveAccounts, dropUnusedAccounts } from "./accounts";
import { recomputeCustomerTotals } from "./ltv";

// Guest customers: one magento_customers row per channel + guest_key (is_guest, origin_id NULL).
// guest_key = lower(email), or lower(email)|lower(full name) for the channel's shared addresses
// (or always, in per_email_and_name mode). Once a registered customer with the same email exists,
// the guest row points at it (merged_into_id) and its carts/orders move to that customer.

export interface GuestContact {
  email: string;
  firstName: string | null;
  lastName: string | null;
}

export function guestKey(channel: ChannelRow, contact: GuestContact): string {
  const email = contact.email.trim().toLowerCase();
  const shared = channel.sharedGuestEmails.some((entry) => entry.trim().toLowerCase() === email);
  if (!shared && channel.guestMode !== "per_email_and_name") return email;
  const name = [contact.firstName, contact.lastName]
    .filter((part) => part && part.trim())
    .join(" ")
    .trim()
    .toLowerCase();
  return `${email}|${name}`;
}

const GUEST_INPUT = { guest_key: "text", email: "text", first_name: "text", last_name: "text" };

/**
 * Creates the missing guest records set-based (ON CONFLICT DO NOTHING), merges them into
 * registered customers with the same email, and returns guest_key → the customer id to link
 * (the registered customer's when merged).
 */
export async function ensureGuestCustomers(tx: DbTx, channel: ChannelRow, contacts: readonly GuestContact[]): Promise<Map<string, number>> {
  const rows = await createGuestCustomers(tx, channel, contacts);
  if (rows.length === 0) return new Map();
  const found = await queryRows<{ guest_key: string; id: unknown }>(
    tx,
    sql`
    SELECT c.guest_key, coalesce(c.merged_into_id, c.id) AS id
    FROM magento_customers c JOIN ${recordset(rows, "r", GUEST_INPUT)} ON r.guest_key = c.guest_key
    WHERE c.channel_id = ${channel.id}`,
  );
  return new Map(found.map((row) => [row.guest_key, Number(row.id)]));
}

/**
 * Creates the missing guest records of `contacts` and merges them into registered customers with
 * the same email; for writers that find the guests by guest_key in SQL themselves (orders).
 */
export async function createGuestCustomers(
  tx: DbTx,
  channel: ChannelRow,
  contacts: readonly GuestContact[],
): Promise<{ guest_key: string; email: string; first_name: string | null; last_name: string | null }[]> {
  const byKey = new Map<string, GuestContact>();
  for (const contact of contacts) {
    if (!contact.email) continue;
    const key = guestKey(channel, contact);
    if (!byKey.has(key)) byKey.set(key, contact);
  }
  if (byKey.size === 0) return [];
  const rows = [...byKey].map(([key, c]) => ({ guest_key: key, email: c.email, first_name: c.firstName, last_name: c.lastName }));
  // New guests are written with their account (lib/sync/rules/accounts.ts).
  const candidates = rows.map((row) => ({ guestKey: row.guest_key, email: row.email, firstName: row.first_name, lastName: row.last_name }));
  const accounts = await resolveAccounts(tx, channel, candidates);
  const withAccounts = rows.map((row, i) => ({ ...row, account_id: accountIdFor(accounts, candidates[i]!) }));
  const inserted = await queryRows<{ id: unknown }>(
    tx,
    sql`
    INSERT INTO magento_customers (channel_id, is_guest, guest_key, email, first_name, last_name, account_id)
    SELECT ${channel.id}::bigint, true, r.guest_key, r.email, r.first_name, r.last_name, r.account_id
    FROM ${recordset(withAccounts, "r", { ...GUEST_INPUT, account_id: "bigint" })}
    ON CONFLICT (channel_id, guest_key) DO NOTHING
    RETURNING id`,
  );
  await dropUnusedAccounts(tx, accounts, inserted.length === rows.length);
  await mergeGuests(
    tx,
    channel.id,
    rows.map((row) => row.email),
  );
  return rows;
}

/**
 * Points unmerged guest records (those with one of `emails`, or all) at the registered customer with the same email (lowest id when
 * several websites share it), re-points their carts and orders, and recomputes the totals of the
 * customers who received orders. Returns how many guest records were merged.
 */
export async function mergeGuests(tx: DbTx, channelId: number, emails?: readonly string[]): Promise<number> {
  if (emails && emails.length === 0) return 0;
  // Emails in scope first (small), then the registered customers with them, then the guests:
  // every join is on lower(email) values, hashable, with no pairwise lower() comparisons.
  const scope = emails
    ? sql`SELECT DISTINCT lower(value) AS email FROM jsonb_array_elements_text(${JSON.stringify([...new Set(emails)])}::jsonb)`
    : sql`SELECT DISTINCT lower(email) AS email FROM magento_customers WHERE channel_id = ${channelId} AND is_guest`;
  const merged = await queryRows<{ id: unknown; merged_into_id: unknown }>(
    tx,
    sql`
    WITH scope AS (${scope}),
    registered AS MATERIALIZED (
      SELECT lower(c.email) AS email, min(c.id) AS id FROM magento_customers c
      WHERE c.channel_id = ${channelId} AND NOT c.is_guest AND c.removed_at IS NULL AND lower(c.email) IN (SELECT email FROM scope)
      GROUP BY lower(c.email)
    )
    UPDATE magento_customers g SET merged_into_id = r.id
    FROM registered r
    WHERE g.channel_id = ${channelId} AND g.is_guest AND lower(g.email) = r.email AND g.merged_into_id IS DISTINCT FROM r.id
    RETURNING g.id, g.merged_into_id`,
  );
  if (merged.length === 0) return 0;
  const pairs = merged.map((row) => ({ guest_id: Number(row.id), registered_id: Number(row.merged_into_id) }));
  const input = { guest_id: "bigint", registered_id: "bigint" };
  await tx.execute(
    sql`UPDATE magento_carts c SET customer_id = p.registered_id FROM ${recordset(pairs, "p", input)} WHERE c.customer_id = p.guest_id`,
  );
  await tx.execute(
    sql`UPDATE magento_orders o SET customer_id = p.registered_id FROM ${recordset(pairs, "p", input)} WHERE o.customer_id = p.guest_id`,
  );
  await tx.execute(
    sql`UPDATE magento_credit_memos m SET customer_id = p.registered_id FROM ${recordset(pairs, "p", input)} WHERE m.customer_id = p.guest_id`,
  );
  const touched = [...new Set(pairs.flatMap((p) => [p.guest_id, p.registered_id]))];
  await recomputeCustomerTotals(tx, channelId, touched);
  return merged.length;
}
