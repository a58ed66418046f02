// Prepares the embedded demo before the server starts: secrets, migrations, one user per role.
// Run by scripts/start.mjs; safe to run again (existing users keep their passwords).
import { appendFileSync, existsSync } from "node:fs";
import path from "node:path";
import { closeDb, getDbHandle } from "@/db/client";
import { dataDir } from "@/db/data-dir";
import { migrateDatabase } from "@/db/migrate";
import { DatabaseLockedError } from "@/db/pglite-lock";
import { ensureSecrets, MissingSecretError } from "@/lib/secrets/keys";
import { DEMO_CHANNEL_NAME, ensureDemoChannel } from "@/lib/channels/demo";
import { formatDemoUsers, seedDemoUsers } from "@/lib/users/demo";

async function main() {
  const secrets = ensureSecrets();
  if (secrets.generated) console.log(`Generated AUTH_SECRET and ENCRYPTION_KEY into ${secrets.file}.`);

  const handle = await getDbHandle();
  await migrateDatabase(handle.db, handle.kind);
  console.log(`Database ready (${handle.kind === "pglite" ? "embedded PGlite in .data/pglite" : "Postgres at DATABASE_URL"}).`);

  // Demo accounts only on the embedded database, or when asked for explicitly.
  if (handle.kind === "pglite" || process.env.SEED_DEMO_USERS === "1") {
    const file = path.join(dataDir(), "demo-users.txt");
    const created = await seedDemoUsers(handle.db);
    if (created.length > 0) {
      const table = formatDemoUsers(created);
      appendFileSync(file, `# Demo users created ${new Date().toISOString()}\n${table}\n\n`, { mode: 0o600 });
      console.log(`\nDemo users (passwords shown once; also written to ${file}):\n\n${table}\n`);
    } else if (existsSync(file)) {
      console.log(`Demo users already exist; their passwords are in ${file}.`);
    }
  }

  // The local Magento simulator started by scripts/start.mjs, as the demo's channel.
  const simulatorUrl = process.env.DEMO_MAGENTO_URL;
  const simulatorToken = process.env.DEMO_MAGENTO_TOKEN;
  if (simulatorUrl && simulatorToken) {
    const channel = await ensureDemoChannel(handle.db, { baseUrl: simulatorUrl, token: simulatorToken });
    console.log(`${channel.created ? "Created" : "Updated"} the channel "${DEMO_CHANNEL_NAME}" → ${simulatorUrl}.`);
  }
  await closeDb();
}

main().catch((error: unknown) => {
  if (error instanceof DatabaseLockedError || error instanceof MissingSecretError) {
    console.error(error.message);
  } else {
    console.error("Setup failed:", error);
  }
  process.exit(1);
});
