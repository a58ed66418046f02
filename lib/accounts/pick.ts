import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { customerNameSql } from "@/lib/customers/name";

// What the merge and move pages show: an account with its customers, and the accounts a person can
// pick as the target (by name or email). Both need manage_accounts, as the changes themselves do.

export type AccountCustomer = {
  id: number;
  name: string;
  email: string;
  isGuest: boolean;
  channelName: string;
  /** A guest checkout merged into a registered customer: listed under that customer, never moved alone. */
  mergedIntoName: string | null;
  mergedIntoId: number | null;
};

export type AccountSummary = {
  id: number;
  name: string;
  type: "person" | "company";
  mergedInto: { id: number; name: string } | null;
  customersCount: number;
  lifetimeValue: string;
  currencyCode: string | null;
  mixedCurrencies: boolean;
  customers: AccountCustomer[];
};

export type AccountCandidate = {
  id: number;
  name: string;
  type: "person" | "company";
  customersCount: number;
  lifetimeValue: string;
  currencyCode: string | null;
  mixedCurrencies: boolean;
  /** The first few emails of the account, to tell two people of one name apart. */
  emails: string[];
};

const MAX_CUSTOMERS = 200;
const MAX_CANDIDATES = 20;

/** An account and its customers (at most 200, registered ones first); null when there is none. */
export async function loadAccountSummary(db: Db, user: SessionUser | null, accountId: number): Promise<AccountSummary | null> {
  requirePermission(user, "manage_accounts");
  if (!Number.isSafeInteger(accountId) || accountId <= 0) return null;
  const [account] = await queryRows<{
    id: unknown;
    name: string;
    type: "person" | "company";
    merged_into_id: unknown;
    merged_into_name: string | null;
    customers_count: number;
    lifetime_value: string;
    currency_code: string | null;
    mixed_currencies: boolean;
  }>(
    db,
    sql`SELECT a.id, a.name, a.type, a.merged_into_id, m.name AS merged_into_name, a.customers_count, a.lifetime_value::text AS lifetime_value,
          a.currency_code, a.mixed_currencies
        FROM accounts a LEFT JOIN accounts m ON m.id = a.merged_into_id WHERE a.id = ${accountId}`,
  );
  if (!account) return null;
  const name = sql.raw(customerNameSql("c.first_name", "c.last_name", "c.email"));
  const mergedName = sql.raw(customerNameSql("r.first_name", "r.last_name", "r.email"));
  const customers = await queryRows<{
    id: unknown;
    name: string;
    email: string;
    is_guest: boolean;
    channel_name: string;
    merged_into_id: unknown;
    merged_into_name: string | null;
  }>(
    db,
    sql`SELECT c.id, ${name} AS name, c.email, c.is_guest, ch.name AS channel_name, c.merged_into_id, ${mergedName} AS merged_into_name
        FROM magento_customers c JOIN channels ch ON ch.id = c.channel_id LEFT JOIN magento_customers r ON r.id = c.merged_into_id
        WHERE c.account_id = ${accountId}
        ORDER BY c.merged_into_id IS NOT NULL, c.is_guest, lower(c.email), c.id LIMIT ${MAX_CUSTOMERS}`,
  );
  return {
    id: Number(account.id),
    name: account.name,
    type: account.type,
    mergedInto: account.merged_into_id === null ? null : { id: Number(account.merged_into_id), name: account.merged_into_name ?? "" },
    customersCount: Number(account.customers_count),
    lifetimeValue: account.lifetime_value,
    currencyCode: account.currency_code,
    mixedCurrencies: account.mixed_currencies === true,
    customers: customers.map((c) => ({
      id: Number(c.id),
      name: c.name,
      email: c.email,
      isGuest: c.is_guest === true,
      channelName: c.channel_name,
      mergedIntoId: c.merged_into_id === null ? null : Number(c.merged_into_id),
      mergedIntoName: c.merged_into_name,
    })),
  };
}

/**
 * Accounts to merge into or move to: name contains the words typed, or an email of the account is
 * (or starts with) what was typed. Merged-away accounts and `excludeId` are never offered. Largest
 * lifetime value first.
 */
export async function searchAccountsToPick(
  db: Db,
  user: SessionUser | null,
  query: { q: string; excludeId?: number },
): Promise<AccountCandidate[]> {
  requirePermission(user, "manage_accounts");
  const q = query.q.trim().toLowerCase().slice(0, 100);
  if (q.length < 2) return [];
  const like = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const prefix = `${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const rows = await queryRows<{
    id: unknown;
    name: string;
    type: "person" | "company";
    customers_count: number;
    lifetime_value: string;
    currency_code: string | null;
    mixed_currencies: boolean;
    emails: string[] | string | null;
  }>(
    db,
    sql`SELECT a.id, a.name, a.type, a.customers_count, a.lifetime_value::text AS lifetime_value, a.currency_code, a.mixed_currencies,
          ARRAY(SELECT e.email FROM account_emails e WHERE e.account_id = a.id ORDER BY e.email LIMIT 3) AS emails
        FROM accounts a
        WHERE a.merged_into_id IS NULL AND a.id <> ${query.excludeId ?? 0}
          AND (lower(a.name) LIKE ${like} OR a.id IN (SELECT c.account_id FROM magento_customers c WHERE lower(c.email) LIKE ${prefix}))
        ORDER BY a.lifetime_value DESC, a.id DESC LIMIT ${MAX_CANDIDATES}`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name,
    type: r.type,
    customersCount: Number(r.customers_count),
    lifetimeValue: r.lifetime_value,
    currencyCode: r.currency_code,
    mixedCurrencies: r.mixed_currencies === true,
    emails: Array.isArray(r.emails)
      ? r.emails
      : typeof r.emails === "string"
        ? r.emails
            .replace(/^\{|\}$/g, "")
            .split(",")
            .filter(Boolean)
        : [],
  }));
}
