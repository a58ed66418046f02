import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

// The synced store the workspace specs compare against. scripts/e2e-server.mjs starts a Magento
// simulator (fixed seed), syncs it once into the e2e database as the channel "demo" before Next
// serves, and writes where it listens to test-results/e2e-store.json. Expected values always come
// from the simulator over its REST API (never hard-coded); the portal's own row ids (for detail
// URLs) come from the e2e database, looked up by Magento's id.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

type StoreFile = { channel: string; url: string; token: string; seed: number; customers: number; orders: number };
type UsersFile = { databaseUrl: string };

let storeCache: StoreFile | undefined;
let usersCache: UsersFile | undefined;

export function storeInfo(): StoreFile {
  storeCache ??= JSON.parse(readFileSync(path.join(root, "test-results", "e2e-store.json"), "utf8")) as StoreFile;
  return storeCache;
}

function databaseUrl(): string {
  usersCache ??= JSON.parse(readFileSync(path.join(root, "test-results", "e2e-users.json"), "utf8")) as UsersFile;
  return usersCache.databaseUrl;
}

// ── the simulator's REST API ─────────────────────────────────────────────────────────────────

/** GET on the simulator (REST under /rest/V1/… or the control API under /__simulator/…). */
export async function magento<T = unknown>(pathAndQuery: string): Promise<T> {
  const { url, token } = storeInfo();
  const target = pathAndQuery.startsWith("/__simulator") || pathAndQuery.startsWith("/rest") ? pathAndQuery : `/rest/V1${pathAndQuery}`;
  const response = await fetch(`${url}${target}`, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
  const text = await response.text();
  if (!response.ok) throw new Error(`simulator GET ${target}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export type Filter = {
  field: string;
  value: string | number;
  condition?: "eq" | "neq" | "like" | "in" | "gteq" | "lteq" | "gt" | "lt" | "null" | "notnull";
};
export type Search = { filters?: Filter[]; sort?: { field: string; direction: "ASC" | "DESC" }[]; pageSize?: number; page?: number };

/** searchCriteria query string: each filter in its own group (AND), sort orders in order. */
export function searchCriteria({ filters = [], sort = [], pageSize = 300, page = 1 }: Search): string {
  const out = new URLSearchParams();
  filters.forEach((filter, i) => {
    out.set(`searchCriteria[filter_groups][${i}][filters][0][field]`, filter.field);
    out.set(`searchCriteria[filter_groups][${i}][filters][0][value]`, String(filter.value));
    out.set(`searchCriteria[filter_groups][${i}][filters][0][condition_type]`, filter.condition ?? "eq");
  });
  sort.forEach((order, i) => {
    out.set(`searchCriteria[sortOrders][${i}][field]`, order.field);
    out.set(`searchCriteria[sortOrders][${i}][direction]`, order.direction);
  });
  out.set("searchCriteria[pageSize]", String(pageSize));
  out.set("searchCriteria[currentPage]", String(page));
  return out.toString();
}

type SearchResult<T> = { items: T[]; total_count: number };

/** One page of a search route ("/orders", "/carts/search", "/customers/search", "/creditmemos"). */
export async function searchPage<T = Record<string, unknown>>(route: string, search: Search): Promise<SearchResult<T>> {
  return magento<SearchResult<T>>(`${route}?${searchCriteria(search)}`);
}

/** Every record of a search route matching `search` (all pages of 300). */
export async function searchAll<T = Record<string, unknown>>(route: string, search: Omit<Search, "page" | "pageSize"> = {}): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const result = await searchPage<T>(route, { ...search, page, pageSize: 300 });
    out.push(...result.items);
    if (result.items.length === 0 || out.length >= result.total_count) return out;
  }
}

export type SimulatorState = {
  seed: number;
  customers: number;
  subscribedCustomers: number;
  carts: { total: number; active: number; inactive: number };
  orders: { total: number; byState: Record<string, number> };
  creditmemos: number;
};

export const simulatorState = () => magento<SimulatorState>("/__simulator/state");

// ── the portal's ids ─────────────────────────────────────────────────────────────────────────

const TABLES = {
  orders: "magento_orders",
  carts: "magento_carts",
  customers: "magento_customers",
  credit_memos: "magento_credit_memos",
  subscribers: "magento_newsletter_subscribers",
} as const;

/** The portal's row id of a Magento record (for detail URLs), or null when it was not synced. */
export async function portalId(entity: keyof typeof TABLES, originId: number | string): Promise<string | null> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(databaseUrl(), { max: 1, onnotice: () => {} });
  try {
    // The demo channel's row: integrations.spec.ts adds a second channel syncing the same store.
    const rows = await sql.unsafe(
      `select t.id::text as id from ${TABLES[entity]} t join channels c on c.id = t.channel_id where t.origin_id = $1 and c.name = $2 limit 1`,
      [String(originId), storeInfo().channel],
    );
    return (rows[0]?.id as string | undefined) ?? null;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Runs one statement on the portal's e2e database (rows as postgres.js gives them). */
export async function portalQuery<T = Record<string, unknown>>(query: string, params: (string | number)[] = []): Promise<T[]> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(databaseUrl(), { max: 1, onnotice: () => {} });
  try {
    return (await sql.unsafe(query, params)) as unknown as T[];
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The portal's id of a channel, by name (null when there is none). */
export async function channelId(name: string): Promise<number | null> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(databaseUrl(), { max: 1, onnotice: () => {} });
  try {
    const rows = await sql.unsafe(`select id::text as id from channels where name = $1 and deleting_at is null limit 1`, [name]);
    return rows[0] ? Number(rows[0].id) : null;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Sends a request to the simulator's control API (/__simulator/…) with the store's token. */
export async function simulatorControl(method: "POST" | "DELETE", controlPath: string, body?: unknown): Promise<unknown> {
  const { url, token } = storeInfo();
  const response = await fetch(`${url}/__simulator${controlPath}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: "application/json",
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`simulator ${method} /__simulator${controlPath}: ${response.status} ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as unknown) : null;
}

/** A portal id that no row has (for 404 checks). */
export async function unusedPortalId(entity: keyof typeof TABLES): Promise<string> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(databaseUrl(), { max: 1, onnotice: () => {} });
  try {
    const rows = await sql.unsafe(`select coalesce(max(id), 0) + 1000000 as id from ${TABLES[entity]}`);
    return String(rows[0]!.id);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

// ── checks shared by the workspace specs ─────────────────────────────────────────────────────

/** Runs axe-core on the page; fails listing every serious or critical violation readably. */
export async function expectNoSeriousA11yViolations(page: Page, label: string, { soft = false } = {}): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = serious
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 5)
        .map(
          (n) =>
            `      at ${n.target.join(" ")}\n        ${(n.failureSummary ?? "").replace(/\n/g, "\n        ")}\n        html: ${n.html.slice(0, 200)}`,
        )
        .join("\n");
      const more = v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more` : "";
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? "" : "s"})\n    ${v.helpUrl}\n${nodes}${more}`;
    })
    .join("\n\n");
  // The count is compared (not the objects) so a failure prints the readable report only.
  (soft ? expect.soft : expect)(serious.length, `axe-core found serious or critical violations on ${label}:\n\n${report}\n`).toBe(0);
}
