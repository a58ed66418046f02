#!/usr/bin/env node
// The server the end-to-end tests run against (playwright.config.ts starts it as its webServer):
// a production build (`next build`, run here if .next/BUILD_ID is missing) on a fresh Postgres
// database portal_e2e_<timestamp>, migrated and seeded with one user per role. The credentials
// are written to test-results/e2e-users.json. A Magento simulator (fixed seed, a moderate store)
// is started on a free port, added as the channel "demo" and synced once, fully, before Next
// serves; the scheduler is off (SYNC_SCHEDULER=off) so the data stays still during the tests.
// Its URL, token and seed are written to test-results/e2e-store.json: specs read the expected
// values from the simulator over HTTP. On SIGTERM/SIGINT the signal is passed to Next, the
// simulator is stopped and the database is dropped.
//
//   node scripts/e2e-server.mjs        (E2E_PORT, default 3100; TEST_DATABASE_URL names the server)

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ADMIN_URL, withAdmin } from "./lib/postgres-admin.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const PORT = Number(process.env.E2E_PORT ?? 3100);
const HOST = "127.0.0.1";
const ROLES = ["admin", "manager", "agent", "viewer"];
// Databases left behind by a run that was killed (SIGKILL) are dropped once they are this old.
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

// The simulated store: fixed seed and size, so every run sees the same records (history ends at
// the start of the current UTC day).
const STORE = { seed: 20260, customers: 300, orders: 1500, channel: "demo", token: "e2e-magento-token-20260" };

const databaseName = `portal_e2e_${Date.now()}`;
const databaseUrl = (() => {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${databaseName}`;
  return url.toString();
})();

const users = ROLES.map((role) => ({
  role,
  email: `${role}@e2e.test`,
  name: `E2E ${role[0].toUpperCase()}${role.slice(1)}`,
  password: `e2e-password-${role}`,
}));

const env = {
  ...process.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  DATABASE_URL: databaseUrl,
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  AUTH_URL: `http://${HOST}:${PORT}`,
  AUTH_TRUST_HOST: "true",
  // Every test signs in from 127.0.0.1; the per-IP failure budget must not lock the suite out.
  LOGIN_IP_MAX_FAILURES: "1000",
  // The data synced before the start must stay still while the tests compare it with Magento.
  SYNC_SCHEDULER: "off",
  // Every channel of the suite is a simulator on 127.0.0.1, which the Magento client refuses
  // unless this is set (migrate, channel:add, channel:sync and Next all get this env).
  MAGENTO_ALLOW_PRIVATE_URLS: "1",
};
const tsxBin = path.join(root, "node_modules", ".bin", "tsx");

const log = (message) => console.error(`[e2e-server] ${message}`);

let child = null;
let simulator = null;
let databaseCreated = false;
let stopping = false;

// ── helpers ──────────────────────────────────────────────────────────────────────────────────

/** Runs a command with output on our stderr/stdout; rejects when it fails. */
function run(label, cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { env, stdio: ["ignore", "inherit", "inherit"], ...options });
    child = proc;
    proc.once("error", (error) => {
      child = null;
      reject(new Error(`${label}: could not start ${cmd}: ${error.message}`));
    });
    proc.once("exit", (code, signal) => {
      child = null;
      if (code === 0) resolve();
      else reject(new Error(`${label} failed (${signal ? `signal ${signal}` : `exit ${code}`})`));
    });
  });
}

function waitForExit(proc, ms) {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    proc.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts the simulator on a free port; resolves with its base URL once it says it is ready. */
function startSimulator() {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      tsxBin,
      [
        "scripts/magento-simulator.ts",
        "--port",
        "0",
        "--seed",
        String(STORE.seed),
        "--customers",
        String(STORE.customers),
        "--orders",
        String(STORE.orders),
        "--token",
        STORE.token,
      ],
      { env, stdio: ["ignore", "pipe", "inherit"] },
    );
    simulator = proc;
    let output = "";
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      reject(new Error(`the Magento simulator did not report ready within 120 s:\n${output}`));
    }, 120_000);
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk) => {
      if (settled) return;
      output += chunk;
      const ready = /^Magento simulator ready.*$/m.exec(output);
      const url = /Base URL:\s+(http:\/\/\S+)/.exec(output);
      if (ready && url) {
        settled = true;
        clearTimeout(timer);
        log(ready[0]);
        resolve(url[1]);
      }
    });
    proc.once("error", (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`could not start the Magento simulator: ${error.message}`));
    });
    proc.once("exit", (code, signal) => {
      if (simulator === proc) simulator = null;
      if (!stopping) log(`the Magento simulator exited (${signal ? `signal ${signal}` : `exit ${code}`})`);
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`the Magento simulator exited before it was ready (${signal ?? code}):\n${output}`));
    });
  });
}

async function stopSimulator() {
  const proc = simulator;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  if (!(await waitForExit(proc, 5_000))) {
    proc.kill("SIGKILL");
    await waitForExit(proc, 2_000);
  }
}

/** YYYY-MM-DD five years before today (UTC): older than all of the simulator's history. */
function syncStartDate() {
  const date = new Date();
  date.setUTCFullYear(date.getUTCFullYear() - 5);
  return date.toISOString().slice(0, 10);
}

async function dropDatabase() {
  if (!databaseCreated) return;
  databaseCreated = false;
  try {
    await withAdmin((sql) => sql.unsafe(`drop database if exists "${databaseName}" with (force)`));
    log(`dropped database ${databaseName}`);
  } catch (error) {
    log(`could not drop database ${databaseName}: ${error instanceof Error ? error.message : error}`);
  }
}

async function dropStaleDatabases() {
  try {
    await withAdmin(async (sql) => {
      const rows = await sql`select datname from pg_database where datname like 'portal\\_e2e\\_%'`;
      for (const { datname } of rows) {
        const createdAt = Number(/^portal_e2e_(\d+)$/.exec(datname)?.[1]);
        if (Number.isFinite(createdAt) && Date.now() - createdAt > STALE_AFTER_MS) {
          await sql.unsafe(`drop database if exists "${datname}" with (force)`);
          log(`dropped stale database ${datname}`);
        }
      }
    });
  } catch (error) {
    log(`skipped stale database cleanup: ${error instanceof Error ? error.message : error}`);
  }
}

async function shutdown(signal, exitCode) {
  if (stopping) return;
  stopping = true;
  const proc = child;
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    proc.kill(signal);
    if (!(await waitForExit(proc, 10_000))) {
      proc.kill("SIGKILL");
      await waitForExit(proc, 2_000);
    }
  }
  await stopSimulator();
  await dropDatabase();
  process.exit(exitCode);
}

process.on("SIGTERM", () => void shutdown("SIGTERM", 143));
process.on("SIGINT", () => void shutdown("SIGINT", 130));
process.on("SIGHUP", () => void shutdown("SIGTERM", 129));

// ── main ─────────────────────────────────────────────────────────────────────────────────────

async function main() {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    log("no production build (.next/BUILD_ID): running next build");
    await run("next build", "npx", ["next", "build"]);
  }
  if (!existsSync(path.join(root, "scripts", "portal.ts"))) {
    throw new Error("scripts/portal.ts (the portal CLI) is missing; it is needed to create the e2e users");
  }

  await dropStaleDatabases();
  await withAdmin((sql) => sql.unsafe(`create database "${databaseName}"`)).catch((error) => {
    throw new Error(`could not create database ${databaseName} on ${ADMIN_URL}: ${error instanceof Error ? error.message : error}`);
  });
  databaseCreated = true;
  log(`created database ${databaseName}`);

  const simulatorStart = startSimulator();
  // Keep an early failure of the simulator from becoming an unhandled rejection while we migrate.
  simulatorStart.catch(() => {});
  await run("migrate", "npx", ["tsx", "scripts/migrate.ts"]);
  for (const user of users) {
    await run(`create user ${user.email}`, "npx", [
      "tsx",
      "scripts/portal.ts",
      "user:create",
      "--email",
      user.email,
      "--name",
      user.name,
      "--role",
      user.role,
      "--password",
      user.password,
    ]);
  }

  const simulatorUrl = await simulatorStart;
  const startedSync = Date.now();
  await run("channel:add", tsxBin, [
    "scripts/portal.ts",
    "channel:add",
    "--name",
    STORE.channel,
    "--url",
    simulatorUrl,
    "--token",
    STORE.token,
    "--sync-start",
    syncStartDate(),
    // As the demo of `npm start`: two-way sync on, so a manager edits customers out of the box.
    "--two-way",
  ]);
  // The progress lines go to test-results/e2e-sync.log; the closing summary to our stderr.
  mkdirSync(path.join(root, "test-results"), { recursive: true });
  const syncLog = path.join(root, "test-results", "e2e-sync.log");
  const syncOut = openSync(syncLog, "w");
  try {
    await run("channel:sync", tsxBin, ["scripts/portal.ts", "channel:sync", "--name", STORE.channel, "--wait"], {
      stdio: ["ignore", syncOut, syncOut],
    });
  } catch (error) {
    log(`channel:sync output:\n${readFileSync(syncLog, "utf8")}`);
    throw error;
  } finally {
    closeSync(syncOut);
  }
  const summary = readFileSync(syncLog, "utf8").trim().split("\n");
  log(
    `synced channel ${STORE.channel} from ${simulatorUrl} in ${Math.round((Date.now() - startedSync) / 1000)} s (log: test-results/e2e-sync.log): ${summary.at(-1)}`,
  );

  mkdirSync(path.join(root, "test-results"), { recursive: true });
  writeFileSync(
    path.join(root, "test-results", "e2e-store.json"),
    `${JSON.stringify({ channel: STORE.channel, url: simulatorUrl, token: STORE.token, seed: STORE.seed, customers: STORE.customers, orders: STORE.orders }, null, 2)}\n`,
  );
  writeFileSync(
    path.join(root, "test-results", "e2e-users.json"),
    `${JSON.stringify(
      { baseURL: `http://${HOST}:${PORT}`, databaseUrl, users: Object.fromEntries(users.map((u) => [u.role, u])) },
      null,
      2,
    )}\n`,
  );
  log(`seeded ${users.map((u) => u.email).join(", ")}; starting next on http://${HOST}:${PORT}`);

  if (stopping) return;
  // Run Next's binary directly (not through npx) so signals reach it without a middleman.
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const next = spawn(process.execPath, [nextBin, "start", "-p", String(PORT), "-H", HOST], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = next;
  // Everything Next prints also goes to test-results/e2e-server.log: the token-leak spec searches
  // the server's own output for secrets.
  const serverLog = createWriteStream(path.join(root, "test-results", "e2e-server.log"), { flags: "w" });
  next.stdout.on("data", (chunk) => {
    process.stdout.write(chunk);
    serverLog.write(chunk);
  });
  next.stderr.on("data", (chunk) => {
    process.stderr.write(chunk);
    serverLog.write(chunk);
  });
  next.once("error", (error) => {
    log(`could not start next: ${error.message}`);
    void shutdown("SIGTERM", 1);
  });
  next.once("exit", (code, signal) => {
    if (stopping) return;
    log(`next exited (${signal ? `signal ${signal}` : `exit ${code}`})`);
    child = null;
    void shutdown("SIGTERM", code ?? 1);
  });
}

main().catch((error) => {
  log(error instanceof Error ? error.message : String(error));
  void shutdown("SIGTERM", 1);
});
