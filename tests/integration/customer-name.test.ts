import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerName, customerNameSql } from "@/lib/customers/name";
import { queryRows } from "@/db/rows";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";

// A customer is named the same way in a grid cell (SQL) and on a page (TypeScript): the name,
// else the email when the place shows one, else nothing.

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase({ migrate: false });
});

afterAll(async () => {
  await testDb?.drop();
});

const CASES: [string | null, string | null, string | null][] = [
  ["Jane", "Doe", "jane@example.com"],
  ["Jane", null, "jane@example.com"],
  [null, "Doe", null],
  ["", "Doe", "doe@example.com"],
  ["  ", "  ", "blank@example.com"],
  [" Jane", "Doe ", null],
  [null, null, "nobody@example.com"],
  [null, null, null],
  ["", "", ""],
];

describe("a customer's name", () => {
  it("is the same in SQL as in TypeScript, with and without the email to fall back on", async () => {
    const values = sql.join(
      CASES.map(([f, l, e], i) => sql`(${i}::int, ${f}::text, ${l}::text, ${e}::text)`),
      sql`, `,
    );
    const rows = await queryRows<{ i: number; name: string | null; label: string | null }>(
      testDb.db,
      sql`
      SELECT i, ${sql.raw(customerNameSql("f", "l"))} AS name, ${sql.raw(customerNameSql("f", "l", "e"))} AS label
      FROM (VALUES ${values}) AS v(i, f, l, e) ORDER BY i`,
    );
    expect(rows.map((r) => [r.name, r.label])).toEqual(
      CASES.map(([firstName, lastName, email]) => [customerName({ firstName, lastName }), customerName({ firstName, lastName, email })]),
    );
    expect(rows.map((r) => r.label)).toEqual([
      "Jane Doe",
      "Jane",
      "Doe",
      "Doe",
      "blank@example.com",
      "Jane Doe",
      "nobody@example.com",
      null,
      "",
    ]);
  });

  it("takes a title and middle name when the page has them", () => {
    expect(customerName({ prefix: "Dr", firstName: "Jane", middleName: "", lastName: "Doe", suffix: "Jr", email: "j@example.com" })).toBe(
      "Dr Jane Doe Jr",
    );
    expect(customerName({ prefix: null, firstName: null, middleName: null, lastName: null, suffix: null, email: "j@example.com" })).toBe(
      "j@example.com",
    );
  });
});
