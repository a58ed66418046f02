import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { AccountType } from "@/db/schema";
import { queryRows, rowDate, rowText } from "@/db/rows";
import { requirePermission, type SessionUser } from "@/lib/auth/session";
import { customerName } from "@/lib/customers/name";
import { type LifetimeFigures, readLifetimeFigures } from "@/lib/customers/lifetime-figures";
import { rfmSegmentLabel } from "@/lib/sync/rules/rfm";

// One account's page (issue 22): who it is, who owns it, its customers in every channel and
// website, and figures computed live from those customers' own orders and credit memos (the
// stored figures on `accounts` feed the grid and reports and may lag a sync behind).
// Not marked server-only, as the report loaders: the accounts bench (run outside Next) times it.

export const ACCOUNT_TABS = ["orders", "carts", "credit_memos", "subscriptions", "activity"] as const;
export type AccountTab = (typeof ACCOUNT_TABS)[number];

export function parseAccountTab(raw: string | string[] | undefined): AccountTab {
  const value = Array.isArray(raw) ? raw[0] : raw;
  return (ACCOUNT_TABS as readonly string[]).includes(value ?? "") ? (value as AccountTab) : "orders";
}

export interface AccountCustomer {
  id: number;
  name: string;
  email: string;
  isGuest: boolean;
  channelName: string;
  websiteName: string | null;
  ordersCount: number;
  /** A guest record merged into the registered customer with the same email (its orders moved there). */
  mergedInto: { id: number; name: string } | null;
}

export interface AccountDetail {
  kind: "account";
  account: { id: number; name: string; type: AccountType; createdAt: Date };
  owner: { id: number; name: string; active: boolean } | null;
  customers: AccountCustomer[];
  /** More customers than CUSTOMERS_LIMIT: the list is cut. */
  customersCut: boolean;
  figures: LifetimeFigures;
  rfm: { segment: string; label: string; r: number; f: number; m: number } | null;
}

/** An account staff merged into another: the page sends the reader to the one it lives on in. */
export interface MergedAccount {
  kind: "merged";
  account: { id: number; name: string };
  mergedAt: Date | null;
  into: { id: number; name: string };
}

/** A company account may gather many people; the page lists this many (the tabs cover all of them). */
export const CUSTOMERS_LIMIT = 500;

type AccountRow = {
  id: unknown;
  name: string;
  type: AccountType;
  created_at: unknown;
  merged_into_id: unknown;
  merged_at: unknown;
  owner_id: unknown;
  owner_name: unknown;
  owner_email: unknown;
  owner_active: unknown;
  rfm_r: unknown;
  rfm_f: unknown;
  rfm_m: unknown;
  rfm_segment: unknown;
};

/** The account with this id, where a merged-away one went, or null (→ 404). */
export async function loadAccountDetail(db: Db, user: SessionUser | null, id: number): Promise<AccountDetail | MergedAccount | null> {
  requirePermission(user, "view_sales");
  const [row] = await queryRows<AccountRow>(
    db,
    sql`
    SELECT a.id, a.name, a.type, a.created_at, a.merged_into_id, a.merged_at, a.rfm_r, a.rfm_f, a.rfm_m, a.rfm_segment,
           u.id AS owner_id, u.name AS owner_name, u.email AS owner_email, u.active AS owner_active
    FROM accounts a LEFT JOIN users u ON u.id = a.owner_user_id
    WHERE a.id = ${id}`,
  );
  if (!row) return null;
  if (row.merged_into_id !== null && row.merged_into_id !== undefined) {
    const into = await mergeTarget(db, Number(row.merged_into_id));
    // A target gone (deleted) leaves nothing to show.
    if (!into) return null;
    return { kind: "merged", account: { id, name: row.name }, mergedAt: rowDate(row.merged_at), into };
  }
  const [customers, figures] = await Promise.all([accountCustomers(db, id), readLifetimeFigures(db, { accountId: id })]);
  return {
    kind: "account",
    account: { id, name: row.name, type: row.type, createdAt: rowDate(row.created_at) ?? new Date(0) },
    owner:
      row.owner_id === null || row.owner_id === undefined
        ? null
        : { id: Number(row.owner_id), name: rowText(row.owner_name) || String(row.owner_email), active: row.owner_active === true },
    customers: customers.slice(0, CUSTOMERS_LIMIT),
    customersCut: customers.length > CUSTOMERS_LIMIT,
    figures,
    rfm:
      row.rfm_segment === null || row.rfm_segment === undefined
        ? null
        : {
            segment: String(row.rfm_segment),
            label: rfmSegmentLabel(String(row.rfm_segment)),
            r: Number(row.rfm_r),
            f: Number(row.rfm_f),
            m: Number(row.rfm_m),
          },
  };
}

/** The live account a merged one ended in (merges may chain: A into B, later B into C). */
async function mergeTarget(db: Db, firstId: number): Promise<{ id: number; name: string } | null> {
  const [row] = await queryRows<{ id: unknown; name: string }>(
    db,
    sql`
    WITH RECURSIVE chain(id, name, merged_into_id, depth) AS (
      SELECT id, name, merged_into_id, 1 FROM accounts WHERE id = ${firstId}
      UNION ALL
      SELECT a.id, a.name, a.merged_into_id, chain.depth + 1 FROM accounts a JOIN chain ON a.id = chain.merged_into_id WHERE chain.depth < 20
    )
    SELECT id, name FROM chain WHERE merged_into_id IS NULL LIMIT 1`,
  );
  return row ? { id: Number(row.id), name: row.name } : null;
}

async function accountCustomers(db: Db, accountId: number): Promise<AccountCustomer[]> {
  const rows = await queryRows<{
    id: unknown;
    email: string;
    first_name: string | null;
    last_name: string | null;
    is_guest: boolean;
    channel_name: string;
    website_name: string | null;
    orders_count: unknown;
    merged_id: unknown;
    merged_email: string | null;
    merged_first: string | null;
    merged_last: string | null;
  }>(
    db,
    sql`
    SELECT c.id, c.email, c.first_name, c.last_name, c.is_guest, ch.name AS channel_name,
           coalesce(w.name, sw.name) AS website_name, c.orders_count,
           r.id AS merged_id, r.email AS merged_email, r.first_name AS merged_first, r.last_name AS merged_last
    FROM magento_customers c
    JOIN channels ch ON ch.id = c.channel_id AND ch.deleting_at IS NULL
    LEFT JOIN magento_websites w ON w.id = c.website_id
    LEFT JOIN magento_stores s ON s.id = c.store_id
    LEFT JOIN magento_websites sw ON sw.id = s.website_id
    LEFT JOIN magento_customers r ON r.id = c.merged_into_id AND r.removed_at IS NULL
    WHERE c.account_id = ${accountId} AND c.removed_at IS NULL
    ORDER BY c.merged_into_id IS NOT NULL, c.is_guest, ch.name, lower(c.email), c.id
    LIMIT ${CUSTOMERS_LIMIT + 1}`,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    name: customerName({ firstName: row.first_name, lastName: row.last_name, email: row.email }),
    email: row.email,
    isGuest: row.is_guest,
    channelName: row.channel_name,
    websiteName: row.website_name,
    ordersCount: Number(row.orders_count ?? 0),
    mergedInto:
      row.merged_id === null || row.merged_id === undefined
        ? null
        : {
            id: Number(row.merged_id),
            name: customerName({ firstName: row.merged_first, lastName: row.merged_last, email: row.merged_email ?? "" }),
          },
  }));
}

/** People an account can be given to: active users, by name. */
export async function listAccountOwners(db: Db, user: SessionUser | null): Promise<{ id: number; name: string }[]> {
  requirePermission(user, "manage_accounts");
  const rows = await queryRows<{ id: unknown; name: string; email: string }>(
    db,
    sql`SELECT id, name, email FROM users WHERE active ORDER BY lower(name), id`,
  );
  return rows.map((row) => ({ id: Number(row.id), name: row.name || row.email }));
}
