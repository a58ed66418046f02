// The maintenance connection the test scripts (e2e-server, smoke-standalone) create and drop their
// databases through: TEST_DATABASE_URL, by default the local Postgres's `test` database.

export const ADMIN_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

/** Runs `fn` with one short-lived connection to ADMIN_URL, closed afterwards. */
export async function withAdmin(fn) {
  const { default: postgres } = await import("postgres");
  const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
