import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { searchNameSql, searchPhoneSql } from "@/db/schema/magento";
import { can, type Permission } from "@/lib/auth/permissions";
import { ForbiddenError, type SessionUser } from "@/lib/auth/session";
import { customerName } from "@/lib/customers/name";
import { formatMoney } from "@/lib/format/money";

// Global search (the header's search box and /search): one query per kind of record, each over
// the indexes of migration 0028. A query of three characters or more matches anywhere in a name,
// an email, a company, a phone number or a record number (pg_trgm); a two-character one matches
// their beginnings (trigram indexes cannot narrow two characters down). Numbers also match
// exactly (cart numbers, order and memo numbers) through btree indexes.
//
// Each kind's matches are a MATERIALIZED CTE: Postgres plans it for all its rows, so it reads the
// indexes, and stops reading it as soon as the outer LIMIT has enough.

export const SEARCH_KINDS = ["customers", "accounts", "orders", "carts", "credit_memos", "subscribers"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** What a role must hold to see a kind in search: the permission that opens its records. */
export const SEARCH_KIND_PERMISSION: Record<SearchKind, Permission> = {
  customers: "view_sales",
  accounts: "view_sales",
  orders: "view_sales",
  carts: "view_sales",
  credit_memos: "view_sales",
  subscribers: "view_sales",
};

export const SEARCH_KIND_LABELS: Record<SearchKind, string> = {
  customers: "Customers",
  accounts: "Accounts",
  orders: "Orders",
  carts: "Shopping carts",
  credit_memos: "Credit memos",
  subscribers: "Newsletter subscribers",
};

/** The grid each kind's "more" link opens, searched for the same words (grid search: beginnings). */
const GRID_PATHS: Record<SearchKind, string> = {
  customers: "/customers",
  accounts: "/customers/accounts",
  orders: "/sales/orders",
  carts: "/sales/carts",
  credit_memos: "/sales/credit-memos",
  subscribers: "/marketing/subscribers",
};

export const MIN_QUERY_LENGTH = 2;
export const MAX_QUERY_LENGTH = 100;
/** The most matches one kind reads before ranking them; more are counted, not ranked. */
const MATCH_CAP = 200;
/** The results page counts each kind's matches up to this. */
export const COUNT_CAP = 1000;

/** The words searched for: control characters become spaces, runs of spaces one, trimmed. */
export const searchQuerySchema = z
  .string()
  .transform((value) =>
    value
      .replace(/[\u0000-\u001f\u007f]/g, " ")
      .replace(/\s+/g, " ")
      .trim(),
  )
  .pipe(
    z
      .string()
      .min(MIN_QUERY_LENGTH, `Type at least ${MIN_QUERY_LENGTH} characters.`)
      .max(MAX_QUERY_LENGTH, `Search for at most ${MAX_QUERY_LENGTH} characters.`),
  );

export type ParsedQuery = { ok: true; query: string } | { ok: false; error: string };

export function parseSearchQuery(raw: unknown): ParsedQuery {
  const parsed = searchQuerySchema.safeParse(typeof raw === "string" ? raw : "");
  if (parsed.success) return { ok: true, query: parsed.data };
  return { ok: false, error: parsed.error.issues[0]?.message ?? "Not a search." };
}

/** The kinds this user's role may open, in the order results show them. */
export function searchKindsFor(user: SessionUser): SearchKind[] {
  return SEARCH_KINDS.filter((kind) => can(user.role, SEARCH_KIND_PERMISSION[kind]));
}

export type SearchHit = { kind: SearchKind; id: number; title: string; detail: string | null; href: string };
export type SearchGroup = {
  kind: SearchKind;
  label: string;
  hits: SearchHit[];
  /** More matches than hits: the count (up to COUNT_CAP, when counted), else null. */
  total: number | null;
  more: boolean;
  /** The grid searched for the same words, when the words fit a grid search. */
  gridHref: string;
};
export type SearchResult = { query: string; groups: SearchGroup[] };

/** LIKE's wildcards and its escape character taken literally. */
export function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

type Terms = {
  /** The words as typed (after parsing). */
  exact: string;
  /** LIKE pattern: anywhere (3+ characters) or at the beginning (2). */
  pattern: string;
  /** LIKE pattern over a phone's digits, when the words look like a phone number. */
  phone: string | null;
  /** A cart number, when the words are one. */
  number: number | null;
};

export function searchTerms(query: string): Terms {
  const escaped = likeEscape(query);
  const pattern = query.length >= 3 ? `%${escaped}%` : `${escaped}%`;
  const digits = query.replace(/\D/g, "");
  const phone = /^[\d\s()+\-./]+$/.test(query) && digits.length >= 3 ? `%${digits}%` : null;
  const number = /^\d{1,15}$/.test(query) ? Number(query) : null;
  return { exact: query, pattern, phone, number };
}

type Row = Record<string, unknown> & { id: string | number };

type KindQuery = {
  /** The WITH clause naming `m` (ids of matches) and any CTEs it needs. */
  matches: (t: Terms) => SQL;
  /** SELECT … FROM over `ranked` (ids), ranked, limited by the caller. */
  select: (t: Terms) => SQL;
  hit: (row: Row) => Omit<SearchHit, "kind" | "id">;
};

const str = (value: unknown): string | null => (value == null || value === "" ? null : String(value));
const join = (...parts: (string | null)[]) => parts.filter((p): p is string => Boolean(p)).join(" · ") || null;

const KIND_QUERIES: Record<SearchKind, KindQuery> = {
  customers: {
    matches: (t) => {
      const name = t.pattern.startsWith("%")
        ? sql`${searchNameSql(sql.raw("first_name"), sql.raw("last_name"))} LIKE lower(${t.pattern})`
        : sql`(lower(first_name) LIKE lower(${t.pattern}) OR lower(last_name) LIKE lower(${t.pattern}))`;
      const phone = t.phone ? sql` OR ${searchPhoneSql(sql.raw("telephone"))} LIKE ${t.phone}` : sql``;
      return sql`WITH by_person AS MATERIALIZED (
          SELECT id FROM magento_customers
          WHERE (${name} OR lower(email) LIKE lower(${t.pattern})) AND removed_at IS NULL AND merged_into_id IS NULL
        ), by_address AS MATERIALIZED (
          SELECT customer_id AS id FROM magento_customer_addresses
          WHERE (lower(company) LIKE lower(${t.pattern})${phone}) AND removed_at IS NULL AND customer_id IS NOT NULL
        ), m AS (SELECT id FROM by_person UNION ALL SELECT id FROM by_address)`;
    },
    select: (t) => sql`SELECT c.id, c.first_name, c.last_name, c.email, c.is_guest
      FROM magento_customers c
      WHERE c.id IN (SELECT id FROM ranked) AND c.removed_at IS NULL AND c.merged_into_id IS NULL
      ORDER BY (lower(c.email) = lower(${t.exact})) DESC, lower(c.last_name), lower(c.first_name), c.id`,
    hit: (row) => ({
      title: customerName({ firstName: str(row.first_name), lastName: str(row.last_name), email: String(row.email) }),
      detail: join(String(row.email), row.is_guest ? "guest" : null),
      href: `/customers/${row.id}`,
    }),
  },
  // An account by its name (accounts_name_trgm_idx) or any of its customers' emails (the customers'
  // own email index; customers of an account merged away belong to its target now).
  accounts: {
    matches: (t) => sql`WITH by_name AS MATERIALIZED (
          SELECT id FROM accounts WHERE lower(name) LIKE lower(${t.pattern}) AND merged_into_id IS NULL
        ), by_email AS MATERIALIZED (
          SELECT c.account_id AS id FROM magento_customers c
          WHERE lower(c.email) LIKE lower(${t.pattern}) AND c.account_id IS NOT NULL
        ), m AS (SELECT id FROM by_name UNION ALL SELECT id FROM by_email)`,
    select: (t) => sql`SELECT a.id, a.name, a.type, a.customers_count, a.lifetime_value,
        CASE WHEN a.mixed_currencies THEN NULL ELSE a.currency_code END AS currency_code
      FROM accounts a
      WHERE a.id IN (SELECT id FROM ranked) AND a.merged_into_id IS NULL
      ORDER BY (lower(a.name) = lower(${t.exact})) DESC, lower(a.name), a.id`,
    hit: (row) => {
      const customers = Number(row.customers_count ?? 0);
      return {
        title: String(row.name),
        detail: join(
          row.type === "company" ? "company" : "person",
          `${customers} ${customers === 1 ? "customer" : "customers"}`,
          row.currency_code ? formatMoney(str(row.lifetime_value), str(row.currency_code)) : null,
        ),
        href: `/customers/accounts/${row.id}`,
      };
    },
  },
  orders: {
    matches: (t) => sql`WITH m AS MATERIALIZED (
        SELECT id FROM magento_orders
        WHERE (lower(increment_id) = lower(${t.exact}) OR lower(increment_id) LIKE lower(${t.pattern})
               OR lower(customer_email) LIKE lower(${t.pattern}))
          AND removed_at IS NULL
      )`,
    select: (t) => sql`SELECT o.id, o.increment_id, o.customer_email, o.customer_first_name, o.customer_last_name,
        o.grand_total, o.order_currency_code, o.status
      FROM magento_orders o
      WHERE o.id IN (SELECT id FROM ranked) AND o.removed_at IS NULL
      ORDER BY (lower(o.increment_id) = lower(${t.exact})) DESC, o.remote_created_at DESC NULLS LAST, o.id DESC`,
    hit: (row) => ({
      title: `Order #${String(row.increment_id)}`,
      detail: join(
        customerName({ firstName: str(row.customer_first_name), lastName: str(row.customer_last_name), email: str(row.customer_email) }),
        formatMoney(str(row.grand_total), str(row.order_currency_code)),
        str(row.status),
      ),
      href: `/sales/orders/${row.id}`,
    }),
  },
  carts: {
    matches: (t) => {
      const number = t.number !== null ? sql`origin_id = ${t.number} OR ` : sql``;
      return sql`WITH m AS MATERIALIZED (
          SELECT id FROM magento_carts
          WHERE (${number}lower(customer_email) LIKE lower(${t.pattern})) AND removed_at IS NULL
        )`;
    },
    select: (t) => sql`SELECT ct.id, ct.origin_id, ct.customer_email, ct.customer_first_name, ct.customer_last_name,
        ct.grand_total, ct.currency_code, ct.status
      FROM magento_carts ct
      WHERE ct.id IN (SELECT id FROM ranked) AND ct.removed_at IS NULL
      ORDER BY (ct.origin_id::text = ${t.exact}) DESC, ct.remote_updated_at DESC NULLS LAST, ct.id DESC`,
    hit: (row) => ({
      title: `Cart #${String(row.origin_id)}`,
      detail: join(
        customerName({ firstName: str(row.customer_first_name), lastName: str(row.customer_last_name), email: str(row.customer_email) }) ??
          "guest without email",
        formatMoney(str(row.grand_total), str(row.currency_code)),
        str(row.status),
      ),
      href: `/sales/carts/${row.id}`,
    }),
  },
  credit_memos: {
    matches: (t) => sql`WITH m AS MATERIALIZED (
        SELECT id FROM magento_credit_memos
        WHERE (lower(increment_id) = lower(${t.exact}) OR lower(increment_id) LIKE lower(${t.pattern})) AND removed_at IS NULL
      )`,
    select: (t) => sql`SELECT m2.id, m2.increment_id, m2.origin_id, o.increment_id AS order_increment_id,
        m2.grand_total, m2.order_currency_code
      FROM magento_credit_memos m2 LEFT JOIN magento_orders o ON o.id = m2.order_id
      WHERE m2.id IN (SELECT id FROM ranked) AND m2.removed_at IS NULL
      ORDER BY (lower(m2.increment_id) = lower(${t.exact})) DESC, m2.remote_created_at DESC NULLS LAST, m2.id DESC`,
    hit: (row) => ({
      title: `Credit memo #${String(row.increment_id ?? row.origin_id)}`,
      detail: join(
        row.order_increment_id ? `Order #${String(row.order_increment_id)}` : null,
        formatMoney(str(row.grand_total), str(row.order_currency_code)),
      ),
      href: `/sales/credit-memos/${row.id}`,
    }),
  },
  subscribers: {
    matches: (t) => sql`WITH m AS MATERIALIZED (
        SELECT id FROM magento_newsletter_subscribers
        WHERE lower(email) LIKE lower(${t.pattern}) AND removed_at IS NULL
      )`,
    select: (t) => sql`SELECT ns.id, ns.email, ns.status, ns.customer_id
      FROM magento_newsletter_subscribers ns
      WHERE ns.id IN (SELECT id FROM ranked) AND ns.removed_at IS NULL
      ORDER BY (lower(ns.email) = lower(${t.exact})) DESC, lower(ns.email), ns.id`,
    // No page of its own: a subscriber opens as its customer, else in the subscribers grid.
    hit: (row) => ({
      title: String(row.email),
      detail: join(String(row.status).replace("_", " "), row.customer_id ? "customer" : null),
      href:
        row.customer_id != null
          ? `/customers/${String(row.customer_id)}`
          : `/marketing/subscribers?${new URLSearchParams({ q: String(row.email) }).toString()}`,
    }),
  },
};

export type SearchOptions = {
  /** Hits per kind (the dropdown shows a few, the results page more). */
  limit?: number;
  /** Count each kind's matches (up to COUNT_CAP) for "n more". */
  count?: boolean;
  /** Only these kinds (still only those the role may open). */
  kinds?: readonly SearchKind[];
};

/**
 * The records matching `rawQuery` that `user` may open, grouped by kind (kinds without matches left
 * out). Throws ForbiddenError when the role may open none of the kinds; an invalid query (too short,
 * too long) gives no groups: callers show parseSearchQuery's message.
 */
export async function globalSearch(
  db: Db,
  user: SessionUser | null,
  rawQuery: unknown,
  options: SearchOptions = {},
): Promise<SearchResult> {
  if (!user) throw new ForbiddenError("view_sales");
  const allowed = searchKindsFor(user).filter((kind) => !options.kinds || options.kinds.includes(kind));
  if (searchKindsFor(user).length === 0) throw new ForbiddenError("view_sales");
  const parsed = parseSearchQuery(rawQuery);
  if (!parsed.ok) return { query: typeof rawQuery === "string" ? rawQuery.trim() : "", groups: [] };
  const terms = searchTerms(parsed.query);
  const limit = Math.min(Math.max(options.limit ?? 5, 1), 50);
  // The kinds at once (on Postgres each on a connection of the reads pool; PGlite queues them).
  const groups = await Promise.all(allowed.map((kind) => searchKind(db, kind, terms, limit, options.count ?? false)));
  return { query: parsed.query, groups: groups.filter((group) => group.hits.length > 0) };
}

async function searchKind(db: Db, kind: SearchKind, terms: Terms, limit: number, count: boolean): Promise<SearchGroup> {
  const q = KIND_QUERIES[kind];
  const rows = await queryRows<Row>(
    db,
    sql`${q.matches(terms)}, ranked AS (SELECT id FROM m LIMIT ${MATCH_CAP})
      ${q.select(terms)} LIMIT ${limit + 1}`,
  );
  const more = rows.length > limit;
  let total: number | null = null;
  if (count && more) {
    const [counted] = await queryRows<{ n: string | number }>(
      db,
      sql`${q.matches(terms)} SELECT count(*) AS n FROM (SELECT DISTINCT id FROM (SELECT id FROM m LIMIT ${COUNT_CAP + 1}) capped) d`,
    );
    total = Number(counted?.n ?? 0);
  }
  const hits = rows.slice(0, limit).map((row) => ({ kind, id: Number(row.id), ...q.hit(row) }));
  return {
    kind,
    label: SEARCH_KIND_LABELS[kind],
    hits,
    total,
    more,
    gridHref: `${GRID_PATHS[kind]}?${new URLSearchParams({ q: terms.exact }).toString()}`,
  };
}
