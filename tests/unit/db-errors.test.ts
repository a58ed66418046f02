import { PGlite } from "@electric-sql/pglite";
import { DrizzleQueryError, sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseQueryError, errorForLog, safeErrorMessage, scrubErrorText, withoutQuery } from "@/db/errors";

// Database errors as the portal stores, shows and logs them: the reason and SQLSTATE from the
// driver's error (here PGlite's; Postgres's in tests/integration/db-errors.test.ts), never the
// query or its parameters.

const EMAIL = "anna.secret@example.com";
let client: PGlite;
let db: ReturnType<typeof drizzle>;

async function failure(query: SQL): Promise<unknown> {
  try {
    await db.execute(query);
  } catch (error) {
    return error;
  }
  throw new Error("expected the query to fail");
}

beforeAll(async () => {
  client = await PGlite.create();
  db = drizzle(client);
  await db.execute(sql`CREATE TABLE people (id int PRIMARY KEY, email text UNIQUE, credit numeric CHECK (credit >= 0))`);
  await db.execute(sql`INSERT INTO people VALUES (1, ${EMAIL}, 1)`);
});

afterAll(async () => {
  await client?.close();
});

describe("safeErrorMessage", () => {
  it("keeps Postgres's reason, code and constraint of a Drizzle query error, not the query or its values", async () => {
    const error = await failure(sql`INSERT INTO people VALUES (2, ${EMAIL}, 1)`);
    expect((error as Error).message).toContain(EMAIL); // what Drizzle would have let through
    const safe = safeErrorMessage(error);
    expect(safe).toBe('duplicate key value violates unique constraint "people_email_key" (SQLSTATE 23505, table people)');
    expect(errorForLog(error)).not.toContain(EMAIL);
  });

  it("withholds the value a data error quotes", async () => {
    const safe = safeErrorMessage(await failure(sql`INSERT INTO people VALUES (3, 'x', ${EMAIL}::numeric)`));
    expect(safe).toBe("invalid input syntax for type numeric: (value withheld) (SQLSTATE 22P02)");
  });

  it("names the check constraint a row broke", async () => {
    expect(safeErrorMessage(await failure(sql`INSERT INTO people VALUES (4, ${EMAIL}, -5)`))).toBe(
      'new row for relation "people" violates check constraint "people_credit_check" (SQLSTATE 23514)',
    );
  });

  it("a query error without a Postgres reason says the query failed and why, without the query", () => {
    const error = new DrizzleQueryError(
      "SELECT * FROM people WHERE email = $1",
      [EMAIL],
      new Error("write CONNECTION_CLOSED 127.0.0.1:5432"),
    );
    expect(safeErrorMessage(error)).toBe("a database query failed: write CONNECTION_CLOSED 127.0.0.1:5432");
  });

  it("cuts a query message that was already pasted into text, keeping what came before it", () => {
    expect(scrubErrorText(`Inngest gave up: Failed query: insert into x values ($1)\nparams: ${EMAIL}`)).toBe(
      "Inngest gave up: a database query failed (details withheld)",
    );
    expect(scrubErrorText("Magento answered 503")).toBe("Magento answered 503");
  });

  it("leaves other errors' messages alone", () => {
    expect(safeErrorMessage(new Error("Magento did not answer"))).toBe("Magento did not answer");
    expect(safeErrorMessage("plain text")).toBe("plain text");
    expect(safeErrorMessage(undefined, "No answer")).toBe("No answer");
  });
});

describe("withoutQuery", () => {
  it("turns a query error into one that carries only the safe message and the code", async () => {
    const error = await failure(sql`INSERT INTO people VALUES (1, ${EMAIL}, 1)`);
    const safe = withoutQuery(error) as DatabaseQueryError;
    expect(safe).toBeInstanceOf(DatabaseQueryError);
    expect(safe.code).toBe("23505");
    expect(`${safe.message}\n${safe.stack}`).not.toContain(EMAIL);
    expect(safe.cause).toBeUndefined();
    const other = new Error("not a query");
    expect(withoutQuery(other)).toBe(other);
  });
});
