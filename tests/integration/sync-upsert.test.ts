import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/rows";
import { upsertRows } from "@/lib/sync/write/upsert";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// The set-based upsert sends a page as one json parameter: whatever Magento puts in a text field
// (quotes, backslashes, braces, commas, the word NULL, empty strings, line breaks, emoji) must
// arrive exactly as sent, and NULL only where the value is missing.

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase({ migrate: false });
  await testDb.db.execute(sql`create table upsert_probe (
    id bigserial primary key, channel_id bigint not null, origin_id bigint not null, name text, amount numeric, flag boolean,
    at timestamptz, born date, street jsonb, synced_at timestamptz, removed_at timestamptz, unique (channel_id, origin_id))`);
});

afterAll(async () => {
  await testDb?.drop();
});

const spec = {
  table: "upsert_probe",
  input: {
    channel_id: "bigint",
    origin_id: "bigint",
    name: "text",
    amount: "numeric",
    flag: "boolean",
    at: "timestamptz",
    born: "date",
    street: "jsonb",
  },
  columns: {
    channel_id: "r.channel_id",
    origin_id: "r.origin_id",
    name: "r.name",
    amount: "r.amount",
    flag: "r.flag",
    at: "r.at",
    born: "r.born",
    street: "r.street",
  },
};

const awkward = [
  'say "hi"',
  "back\\slash",
  "{braces}",
  "a,b",
  "NULL",
  "",
  "two\nlines",
  "tab\there",
  "émoji 🎉",
  "  padded  ",
  "'quote'",
  '\\"mixed\\"',
];

describe("upsertRows", () => {
  it("writes every value exactly as sent, NULL only for missing values, and counts created / updated / unchanged", async () => {
    const rows = awkward.map((name, i) => ({
      channel_id: 1,
      origin_id: i + 1,
      name,
      amount: i % 2 ? "12.3400" : null,
      flag: i % 3 === 0,
      at: i % 2 ? "2026-01-02T03:04:05.678Z" : null,
      born: i % 2 ? "1990-12-31" : undefined,
      street: i % 2 ? ['Line "1"', "back\\slash, {x}"] : null,
    }));
    expect(await upsertRows(testDb.db as never, spec, rows)).toEqual({ created: awkward.length, updated: 0 });
    const stored = await queryRows<{
      origin_id: string;
      name: string | null;
      amount: string | null;
      flag: boolean;
      at: Date | null;
      born: string | null;
      street: unknown;
    }>(
      testDb.db,
      sql`select origin_id, name, amount::text as amount, flag, at, born::text as born, street from upsert_probe order by origin_id`,
    );
    expect(stored.map((r) => r.name)).toEqual(awkward);
    expect(stored.map((r) => r.amount)).toEqual(rows.map((r) => r.amount));
    expect(stored.map((r) => r.flag)).toEqual(rows.map((r) => r.flag));
    expect(stored.map((r) => (r.at ? new Date(r.at).toISOString() : null))).toEqual(rows.map((r) => r.at));
    expect(stored.map((r) => r.born)).toEqual(rows.map((r) => r.born ?? null));
    expect(stored.map((r) => r.street)).toEqual(rows.map((r) => r.street));

    // Same page again: nothing changes; one changed name: one update.
    expect(await upsertRows(testDb.db as never, spec, rows)).toEqual({ created: 0, updated: 0 });
    rows[4]!.name = "not NULL";
    expect(await upsertRows(testDb.db as never, spec, rows)).toEqual({ created: 0, updated: 1 });
  });
});
