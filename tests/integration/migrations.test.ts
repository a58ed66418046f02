import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "@/db/client";
import { MIGRATIONS_FOLDER, migrateDatabase } from "@/db/migrate";
import { createTestDatabase } from "@/tests/helpers/database";

// The same migration files must build the same schema on a real Postgres and on embedded PGlite.
// Everything here is read back from the catalogs (information_schema, pg_index, pg_constraint),
// so it checks what the migrations actually created, not what the Drizzle schema says.

const TABLES = [
  "users",
  "channels",
  "magento_websites",
  "magento_stores",
  "magento_customer_groups",
  "magento_customers",
  "magento_customer_addresses",
  "magento_carts",
  "magento_cart_items",
  "magento_orders",
  "magento_order_items",
  "magento_order_addresses",
  "magento_credit_memos",
  "magento_credit_memo_items",
  "magento_newsletter_subscribers",
  "sync_runs",
  "sync_errors",
  "sync_checkpoints",
  "outbox",
  "audit_log",
];

const SYNCED_TABLES = TABLES.filter((table) => table.startsWith("magento_"));

/** Money columns that must be exact decimals, numeric(20,4). */
const MONEY_COLUMNS: Record<string, string[]> = {
  magento_carts: ["subtotal", "subtotal_with_discount", "grand_total", "base_grand_total"],
  magento_orders: [
    "grand_total",
    "base_grand_total",
    "base_subtotal",
    "base_discount_amount",
    "base_shipping_amount",
    "base_tax_amount",
    "base_total_refunded",
    "base_total_canceled",
    "subtotal",
    "tax_amount",
    "shipping_amount",
    "discount_amount",
    "total_paid",
    "total_refunded",
    "total_canceled",
    "total_due",
  ],
  magento_credit_memos: [
    "grand_total",
    "base_grand_total",
    "subtotal",
    "tax_amount",
    "shipping_amount",
    "discount_amount",
    "adjustment",
    "adjustment_positive",
    "adjustment_negative",
    "base_subtotal",
    "base_tax_amount",
    "base_shipping_amount",
    "base_discount_amount",
    "base_adjustment",
  ],
  magento_cart_items: ["price", "row_total", "tax_amount", "discount_amount"],
  magento_order_items: [
    "price",
    "base_price",
    "original_price",
    "row_total",
    "tax_amount",
    "discount_amount",
    "base_row_total",
    "base_discount_amount",
    "base_tax_amount",
  ],
  magento_credit_memo_items: ["price", "row_total", "tax_amount", "discount_amount"],
  magento_customers: ["lifetime_value", "refunds_total"],
};

/** Times every synced row carries (Magento's created/updated times and our bookkeeping). */
const SYNCED_TIME_COLUMNS = ["remote_created_at", "remote_updated_at", "synced_at", "removed_at"];

const CART_STATUSES = ["open", "contacted", "expired", "lost", "converted", "purchased"];

type Backend = {
  name: string;
  kind: "postgres" | "pglite";
  open: () => Promise<{ db: Db; close: () => Promise<void> }>;
};

const backends: Backend[] = [
  {
    name: "Postgres (fresh empty database)",
    kind: "postgres",
    open: async () => {
      const database = await createTestDatabase({ migrate: false });
      return { db: database.db, close: database.drop };
    },
  },
  {
    name: "PGlite (fresh temp folder)",
    kind: "pglite",
    open: async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "portal-migrations-pglite-"));
      try {
        const handle = await openDatabase({ pgliteDir: path.join(dir, "pglite") });
        return {
          db: handle.db,
          close: async () => {
            try {
              await handle.close();
            } finally {
              rmSync(dir, { recursive: true, force: true });
            }
          },
        };
      } catch (error) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    },
  },
];

/** Rows of a raw query; postgres.js returns an array, PGlite an object with `rows`. */
async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** The Postgres error code (SQLSTATE) of a failed query, looking through Drizzle's wrapper. */
async function sqlStateOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    let current: unknown = error;
    while (current && typeof current === "object") {
      const code = (current as { code?: unknown }).code;
      if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
      current = (current as { cause?: unknown }).cause;
    }
    throw error;
  }
  return undefined;
}

const UNIQUE_VIOLATION = "23505";
const CHECK_VIOLATION = "23514";

type ColumnInfo = {
  table_name: string;
  column_name: string;
  data_type: string;
  numeric_precision: number | null;
  numeric_scale: number | null;
};

type IndexInfo = { table_name: string; index_name: string; is_unique: boolean; is_partial: boolean; columns: string };

describe.each(backends)("migrations applied to $name", (backend) => {
  let db: Db;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const opened = await backend.open();
    db = opened.db;
    close = opened.close;
    await migrateDatabase(db, backend.kind);
  });

  afterAll(async () => {
    await close?.();
  });

  const columns = () =>
    rows<ColumnInfo>(
      db,
      sql`select table_name::text, column_name::text, data_type::text,
                 numeric_precision::int as numeric_precision, numeric_scale::int as numeric_scale
            from information_schema.columns
           where table_schema = 'public'
           order by table_name, ordinal_position`,
    );

  const indexes = () =>
    rows<IndexInfo>(
      db,
      sql`select t.relname::text as table_name,
                 i.relname::text as index_name,
                 ix.indisunique as is_unique,
                 ix.indpred is not null as is_partial,
                 array_to_string(array(
                   select a.attname
                     from unnest(ix.indkey::int2[]) with ordinality as k(attnum, position)
                     join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
                    where k.position <= ix.indnkeyatts
                    order by k.position
                 ), ',') as columns
            from pg_index ix
            join pg_class t on t.oid = ix.indrelid
            join pg_class i on i.oid = ix.indexrelid
            join pg_namespace n on n.oid = t.relnamespace
           where n.nspname = 'public'`,
    );

  async function insertChannel(name: string): Promise<number> {
    const [channel] = await rows<{ id: number | string }>(
      db,
      sql`insert into channels (name, base_url) values (${name}, 'https://shop.example.test') returning id`,
    );
    return Number(channel!.id);
  }

  it("creates every table the portal uses", async () => {
    const tables = await rows<{ table_name: string }>(
      db,
      sql`select table_name::text from information_schema.tables
           where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    const names = tables.map((row) => row.table_name);
    for (const table of TABLES) expect(names, `table ${table}`).toContain(table);
  });

  it("gives every synced magento_* table a channel_id and an origin_id column", async () => {
    const all = await columns();
    for (const table of SYNCED_TABLES) {
      const names = all.filter((column) => column.table_name === table).map((column) => column.column_name);
      expect(names, `${table} columns`).toEqual(expect.arrayContaining(["channel_id", "origin_id"]));
    }
  });

  it("gives every synced magento_* table a unique index on exactly (channel_id, origin_id)", async () => {
    const all = await indexes();
    for (const table of SYNCED_TABLES) {
      const matching = all.filter(
        (index) => index.table_name === table && index.is_unique && !index.is_partial && index.columns === "channel_id,origin_id",
      );
      expect(
        matching.map((index) => index.index_name),
        `unique (channel_id, origin_id) index on ${table}`,
      ).toHaveLength(1);
    }
  });

  it("stores money as numeric(20,4) on carts, orders, credit memos, their items and customers", async () => {
    const all = await columns();
    for (const [table, moneyColumns] of Object.entries(MONEY_COLUMNS)) {
      for (const name of moneyColumns) {
        const column = all.find((c) => c.table_name === table && c.column_name === name);
        expect(column, `${table}.${name} exists`).toBeDefined();
        expect({ type: column!.data_type, precision: column!.numeric_precision, scale: column!.numeric_scale }, `${table}.${name}`).toEqual(
          { type: "numeric", precision: 20, scale: 4 },
        );
      }
    }
  });

  it("never uses an unbounded or differently scaled numeric in synced tables", async () => {
    const numerics = (await columns()).filter((c) => c.table_name.startsWith("magento_") && c.data_type === "numeric");
    for (const column of numerics) {
      // Currency rates keep 12 places (Magento's base_to_global_rate); amounts and quantities 4.
      const want = column.column_name.endsWith("_rate") ? [24, 12] : [20, 4];
      expect([column.numeric_precision, column.numeric_scale], `${column.table_name}.${column.column_name}`).toEqual(want);
    }
    const rates = numerics
      .filter((c) => c.column_name.endsWith("_rate"))
      .map((c) => `${c.table_name}.${c.column_name}`)
      .sort();
    expect(rates).toEqual([
      "magento_carts.base_to_global_rate",
      "magento_credit_memos.base_to_global_rate",
      "magento_orders.base_to_global_rate",
    ]);
  });

  it("stores remote and sync times as timestamp with time zone", async () => {
    const all = await columns();
    for (const table of SYNCED_TABLES) {
      for (const name of SYNCED_TIME_COLUMNS) {
        const column = all.find((c) => c.table_name === table && c.column_name === name);
        expect(column?.data_type, `${table}.${name}`).toBe("timestamp with time zone");
      }
    }
    const naive = all.filter((c) => c.data_type === "timestamp without time zone");
    expect(
      naive.map((c) => `${c.table_name}.${c.column_name}`),
      "columns without a time zone",
    ).toEqual([]);
  });

  it("declares the cart status check constraint", async () => {
    const constraints = await rows<{ conname: string; definition: string }>(
      db,
      sql`select c.conname::text as conname, pg_get_constraintdef(c.oid) as definition
            from pg_constraint c
            join pg_class t on t.oid = c.conrelid
           where t.relname = 'magento_carts' and c.contype = 'c'`,
    );
    const statusCheck = constraints.find((c) => c.conname === "magento_carts_status_check");
    expect(statusCheck, "magento_carts_status_check").toBeDefined();
    for (const status of CART_STATUSES) expect(statusCheck!.definition).toContain(`'${status}'`);
  });

  it("accepts the five cart statuses and rejects anything else", async () => {
    const channelId = await insertChannel("cart status check");
    for (const [i, status] of CART_STATUSES.entries()) {
      await db.execute(sql`insert into magento_carts (channel_id, origin_id, status) values (${channelId}, ${100 + i}, ${status})`);
    }
    const stored = await rows<{ status: string }>(
      db,
      sql`select status from magento_carts where channel_id = ${channelId} order by origin_id`,
    );
    expect(stored.map((row) => row.status)).toEqual(CART_STATUSES);

    const code = await sqlStateOf(
      db.execute(sql`insert into magento_carts (channel_id, origin_id, status) values (${channelId}, 999, 'bogus')`),
    );
    expect(code, "inserting status 'bogus' must fail a check constraint").toBe(CHECK_VIOLATION);
  });

  it("rejects a second order with the same (channel_id, origin_id) but allows it on another channel", async () => {
    const channelId = await insertChannel("orders unique");
    const otherChannelId = await insertChannel("orders unique, other channel");
    const insertOrder = (channel: number) =>
      db.execute(
        sql`insert into magento_orders (channel_id, origin_id, increment_id, state, status, grand_total)
            values (${channel}, 42, '000000042', 'new', 'pending', '19.9900')`,
      );

    await insertOrder(channelId);
    expect(await sqlStateOf(insertOrder(channelId)), "the duplicate must be a unique violation").toBe(UNIQUE_VIOLATION);
    expect(await sqlStateOf(insertOrder(otherChannelId)), "same origin id on another channel").toBeUndefined();

    const [{ count }] = (await rows<{ count: number | string }>(
      db,
      sql`select count(*)::int as count from magento_orders where origin_id = 42`,
    )) as [{ count: number | string }];
    expect(Number(count)).toBe(2);
  });

  it("keeps money exact to four decimals", async () => {
    const channelId = await insertChannel("money exactness");
    await db.execute(
      sql`insert into magento_orders (channel_id, origin_id, increment_id, state, status, grand_total, subtotal)
          values (${channelId}, 7, '000000007', 'new', 'pending', '12345678901234.5678', '0.1')`,
    );
    const [order] = await rows<{ grand_total: string; subtotal: string }>(
      db,
      sql`select grand_total::text as grand_total, subtotal::text as subtotal
            from magento_orders where channel_id = ${channelId} and origin_id = 7`,
    );
    expect(order).toEqual({ grand_total: "12345678901234.5678", subtotal: "0.1000" });
  });

  it("removes an order's items and addresses with the order, and only that order's", async () => {
    const channelId = await insertChannel("order children");
    const orders = await rows<{ id: number | string; origin_id: number | string }>(
      db,
      sql`insert into magento_orders (channel_id, origin_id, increment_id, state, status, grand_total)
          values (${channelId}, 1, '1', 'new', 'pending', '1'), (${channelId}, 2, '2', 'new', 'pending', '2') returning id, origin_id`,
    );
    for (const order of orders) {
      await db.execute(sql`insert into magento_order_items (channel_id, origin_id, order_id, order_origin_id, sku)
        values (${channelId}, ${Number(order.origin_id) * 10}, ${order.id}, ${order.origin_id}, 'SKU'), (${channelId}, ${Number(order.origin_id) * 10 + 1}, ${order.id}, ${order.origin_id}, 'SKU')`);
      await db.execute(sql`insert into magento_order_addresses (channel_id, origin_id, order_id, order_origin_id, address_type)
        values (${channelId}, ${order.origin_id}, ${order.id}, ${order.origin_id}, 'billing')`);
    }
    const children = async () =>
      rows<{ items: number; addresses: number }>(
        db,
        sql`select (select count(*)::int from magento_order_items where channel_id = ${channelId}) as items,
                   (select count(*)::int from magento_order_addresses where channel_id = ${channelId}) as addresses`,
      );
    expect(await children()).toEqual([{ items: 4, addresses: 2 }]);
    await db.execute(sql`delete from magento_orders where channel_id = ${channelId} and origin_id = 1`);
    expect(await children()).toEqual([{ items: 2, addresses: 1 }]);
    await db.execute(sql`delete from channels where id = ${channelId}`);
    expect(await children()).toEqual([{ items: 0, addresses: 0 }]);
  });

  it("unlinks orders from a deleted cart, customer or store, and carts from a deleted order, keeping the rows", async () => {
    const channelId = await insertChannel("order references");
    const [store] = await rows<{ id: number | string }>(
      db,
      sql`insert into magento_stores (channel_id, origin_id, code, name) values (${channelId}, 1, 'default', 'Default') returning id`,
    );
    const [customer] = await rows<{ id: number | string }>(
      db,
      sql`insert into magento_customers (channel_id, origin_id, email) values (${channelId}, 1, 'a@example.test') returning id`,
    );
    const [cart] = await rows<{ id: number | string }>(
      db,
      sql`insert into magento_carts (channel_id, origin_id, status) values (${channelId}, 1, 'purchased') returning id`,
    );
    const [order] = await rows<{ id: number | string }>(
      db,
      sql`insert into magento_orders (channel_id, origin_id, increment_id, state, status, grand_total, cart_id, customer_id, store_id)
          values (${channelId}, 1, '1', 'new', 'pending', '1', ${cart!.id}, ${customer!.id}, ${store!.id}) returning id`,
    );
    await db.execute(sql`update magento_carts set order_id = ${order!.id} where id = ${cart!.id}`);
    const links = async () =>
      (
        await rows<{ cart_id: unknown; customer_id: unknown; store_id: unknown }>(
          db,
          sql`select cart_id, customer_id, store_id from magento_orders where id = ${order!.id}`,
        )
      ).map((r) => [r.cart_id, r.customer_id, r.store_id].map((v) => (v === null ? null : Number(v))));
    expect(await links()).toEqual([[Number(cart!.id), Number(customer!.id), Number(store!.id)]]);
    await db.execute(sql`delete from magento_customers where id = ${customer!.id}`);
    expect(await links()).toEqual([[Number(cart!.id), null, Number(store!.id)]]);
    await db.execute(sql`delete from magento_stores where id = ${store!.id}`);
    expect(await links()).toEqual([[Number(cart!.id), null, null]]);
    await db.execute(sql`delete from magento_orders where id = ${order!.id}`);
    const [cartAfter] = await rows<{ order_id: unknown }>(db, sql`select order_id from magento_carts where id = ${cart!.id}`);
    expect(cartAfter).toEqual({ order_id: null });

    const [other] = await rows<{ id: number | string }>(
      db,
      sql`insert into magento_orders (channel_id, origin_id, increment_id, state, status, grand_total, cart_id)
          values (${channelId}, 2, '2', 'new', 'pending', '1', ${cart!.id}) returning id`,
    );
    await db.execute(sql`delete from magento_carts where id = ${cart!.id}`);
    const [otherAfter] = await rows<{ cart_id: unknown }>(db, sql`select cart_id from magento_orders where id = ${other!.id}`);
    expect(otherAfter).toEqual({ cart_id: null });
  });

  it("takes a deleted account's email claims along and unassigns its customers, keeping the customers and other accounts' rows (0030)", async () => {
    const channelId = await insertChannel("account references");
    const [gone, kept] = await rows<{ id: number | string }>(
      db,
      sql`insert into accounts (name, type) values ('Gone', 'person'), ('Kept', 'person') returning id`,
    );
    await db.execute(
      sql`insert into account_emails (email, account_id) values ('gone@example.test', ${gone!.id}), ('kept@example.test', ${kept!.id})`,
    );
    await db.execute(
      sql`insert into magento_customers (channel_id, origin_id, email, account_id)
          values (${channelId}, 1, 'gone@example.test', ${gone!.id}), (${channelId}, 2, 'kept@example.test', ${kept!.id})`,
    );
    await db.execute(sql`delete from accounts where id = ${gone!.id}`);
    const customers = await rows<{ origin_id: unknown; account_id: unknown }>(
      db,
      sql`select origin_id, account_id from magento_customers where channel_id = ${channelId} order by origin_id`,
    );
    expect(customers.map((c) => [Number(c.origin_id), c.account_id === null ? null : Number(c.account_id)])).toEqual([
      [1, null],
      [2, Number(kept!.id)],
    ]);
    const claims = await rows<{ email: string }>(
      db,
      sql`select email from account_emails where email like '%@example.test' order by email`,
    );
    expect(claims.map((c) => c.email)).toEqual(["kept@example.test"]);
  });

  it("withholds the query text older versions stored in sync errors (0026)", async () => {
    const channelId = await insertChannel("scrubbed errors");
    const leaked = 'Inngest gave up: Failed query: insert into "magento_customers" ... params: 1,ann@example.com,Ann';
    await db.execute(
      sql`insert into sync_runs (channel_id, mode, trigger, status, error_message) values (${channelId}, 'initial', 'cli', 'failed', ${leaked})`,
    );
    await db.execute(
      sql`insert into sync_runs (channel_id, mode, trigger, status, error_message) values (${channelId}, 'initial', 'cli', 'failed', 'Magento answered 503')`,
    );
    const file = readFileSync(path.join(MIGRATIONS_FOLDER, "0026_scrub_query_text_from_errors.sql"), "utf8");
    for (const statement of file.split("--> statement-breakpoint")) await db.execute(sql.raw(statement));
    const stored = await rows<{ error_message: string }>(
      db,
      sql`select error_message from sync_runs where channel_id = ${channelId} order by id`,
    );
    expect(stored.map((row) => row.error_message)).toEqual([
      "Inngest gave up: a database query failed (details withheld)",
      "Magento answered 503",
    ]);
  });

  it("is a no-op when migrated a second time", async () => {
    const snapshot = async () => ({
      applied: await rows<{ hash: string }>(db, sql`select hash from drizzle.__drizzle_migrations order by id`),
      columns: await columns(),
      indexes: (await indexes()).sort((a, b) => a.index_name.localeCompare(b.index_name)),
    });
    const before = await snapshot();
    expect(before.applied.length, "migrations recorded as applied").toBeGreaterThan(0);

    await migrateDatabase(db, backend.kind);

    expect(await snapshot()).toEqual(before);
  });
});

describe("migration files", () => {
  it("record every migration folder entry in the journal", () => {
    const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
      entries: { tag: string }[];
    };
    const sqlFiles = readdirSync(MIGRATIONS_FOLDER)
      .filter((file) => file.endsWith(".sql"))
      .map((file) => file.replace(/\.sql$/, ""))
      .sort();
    expect(journal.entries.map((entry) => entry.tag).sort()).toEqual(sqlFiles);
  });

  it("are in sync with db/schema (drizzle-kit generate finds nothing to add)", () => {
    // Generate into a copy of the migrations folder: any output means someone changed db/schema
    // without running `npm run db:generate`.
    const root = process.cwd();
    const copy = mkdtempSync(path.join(tmpdir(), "portal-drift-check-"));
    try {
      const out = path.join(copy, "migrations");
      cpSync(MIGRATIONS_FOLDER, out, { recursive: true });
      const before = new Set(readdirSync(out));
      const result = spawnSync(
        path.join(root, "node_modules", ".bin", "drizzle-kit"),
        [
          "generate",
          "--dialect",
          "postgresql",
          "--schema",
          "./db/schema/index.ts",
          // drizzle-kit prefixes --out with "./", so it must be relative to the project.
          "--out",
          path.relative(root, out),
          "--name",
          "drift_check",
        ],
        { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 90_000 },
      );
      const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
      const added = readdirSync(out).filter((file) => !before.has(file));
      const generated = added
        .filter((file) => file.endsWith(".sql"))
        .map((file) => `--- ${file}\n${readFileSync(path.join(out, file), "utf8")}`)
        .join("\n");

      expect(result.error, `drizzle-kit could not run: ${result.error?.message}`).toBeUndefined();
      expect(generated, "db/schema differs from db/migrations; run `npm run db:generate`").toBe("");
      expect(output, "drizzle-kit generate output").toContain("No schema changes");
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 120_000);
});
