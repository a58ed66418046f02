import { defineConfig } from "drizzle-kit";

// Migrations are generated from db/schema and applied by `npm run db:migrate`
// (to Postgres or the embedded PGlite; see db/migrate.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test" },
});
