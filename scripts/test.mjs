#!/usr/bin/env node
// `npm test`: the whole test suite from a clean clone, with Node built-ins only (it runs before
// node_modules exists). Steps, in order; the first failing step stops the run with its exit code:
//   1. npm ci            when node_modules is missing or older than package-lock.json
//   2. chromium          /usr/bin/chromium for Playwright (installed with apt-get when root)
//   3. postgres          TEST_DATABASE_URL answers (started with pg_ctlcluster when local and down)
//   4. vitest run        unit + integration tests
//   5. next build        production build, standalone output included (scripts/build-standalone.mjs)
//   6. standalone smoke  `node server.js` from that build against Postgres: health, sign-in, SIGTERM
//                        (scripts/smoke-standalone.mjs)
//   7. playwright test   end-to-end tests against the same build (`next start`)
//
//   node scripts/test.mjs            everything
//   node scripts/test.mjs --unit     steps 1, 3, 4 (extra arguments go to vitest)
//   node scripts/test.mjs --e2e      steps 1, 2, 3, 5, 6, 7 (extra arguments go to playwright)

import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const CHROMIUM = "/usr/bin/chromium";
const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";
const START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log("usage: node scripts/test.mjs [--unit | --e2e] [extra args for vitest (--unit) or playwright (--e2e)]");
  process.exit(0);
}
const unitOnly = args.includes("--unit");
const e2eOnly = args.includes("--e2e");
if (unitOnly && e2eOnly) fail("use either --unit or --e2e, not both (no flag runs everything)", 2);
const extraArgs = args.filter((arg) => arg !== "--unit" && arg !== "--e2e");
if (extraArgs.length > 0 && !unitOnly && !e2eOnly) {
  fail(`extra arguments (${extraArgs.join(" ")}) need --unit (for vitest) or --e2e (for playwright)`, 2);
}
const runUnit = !e2eOnly;
const runE2e = !unitOnly;

const env = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1",
  TEST_DATABASE_URL: process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL,
};

const steps = [
  { name: "dependencies (npm ci if needed)", run: ensureDependencies },
  runE2e && { name: `chromium (${CHROMIUM})`, run: ensureChromium },
  { name: "postgres (TEST_DATABASE_URL)", run: ensurePostgres },
  runUnit && {
    name: "vitest run (unit + integration)",
    run: () => command("npx", ["vitest", "run", ...(unitOnly ? extraArgs : [])]),
  },
  // One build serves both: the standalone folder for the smoke test, .next itself for `next start`.
  runE2e && { name: "next build (with standalone output)", run: () => command(process.execPath, ["scripts/build-standalone.mjs"]) },
  runE2e && { name: "standalone smoke test", run: () => command(process.execPath, ["scripts/smoke-standalone.mjs"]) },
  runE2e && {
    name: "playwright test (end-to-end)",
    run: () => command("npx", ["playwright", "test", ...(e2eOnly ? extraArgs : [])]),
  },
].filter(Boolean);

// ── process plumbing ─────────────────────────────────────────────────────────────────────────

let current = null; // the running child, so Ctrl-C / SIGTERM reach it and we wait for it
let interrupted = null;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    interrupted = signal;
    if (current) current.kill(signal);
    else process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

function fail(message, code = 1) {
  console.error(`\nnpm test: ${message}`);
  process.exit(code);
}

/** Runs a command with streamed output; resolves to its exit code (signals map to 128+n). */
function command(cmd, cmdArgs, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { stdio: "inherit", env, ...options });
    current = child;
    child.once("error", (error) => {
      current = null;
      console.error(`npm test: could not start ${cmd}: ${error.message}`);
      resolve(127);
    });
    child.once("exit", (code, signal) => {
      current = null;
      resolve(code ?? (signal === "SIGINT" ? 130 : signal === "SIGKILL" ? 137 : 143));
    });
  });
}

function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ── steps ────────────────────────────────────────────────────────────────────────────────────

async function ensureDependencies() {
  const lock = path.join(root, "package-lock.json");
  // npm writes node_modules/.package-lock.json on every install: its age is the install's age.
  const installed = path.join(root, "node_modules", ".package-lock.json");
  let reason = null;
  if (!existsSync(path.join(root, "node_modules"))) reason = "node_modules is missing";
  else if (!existsSync(installed)) reason = "node_modules has no install record";
  else if (statSync(installed).mtimeMs < statSync(lock).mtimeMs) reason = "package-lock.json is newer than node_modules";
  if (!reason) {
    console.log("node_modules is up to date with package-lock.json.");
    return 0;
  }
  console.log(`${reason}: running npm ci`);
  return command("npm", ["ci", "--no-audit", "--no-fund"]);
}

async function ensureChromium() {
  if (existsSync(CHROMIUM)) {
    console.log(`${CHROMIUM} is installed.`);
    return 0;
  }
  if (!isRoot()) {
    console.error(
      `The end-to-end tests use Debian's Chromium at ${CHROMIUM}, which is missing. Install it with:\n\n` +
        `  sudo apt-get update && sudo apt-get install -y chromium\n\n` +
        `(or run only the unit and integration tests: npm test -- --unit)`,
    );
    return 1;
  }
  console.log(`${CHROMIUM} is missing: installing Debian's chromium package`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: "noninteractive" };
  const update = await command("apt-get", ["update"], { env: aptEnv });
  if (update !== 0) return update;
  const install = await command("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { env: aptEnv });
  if (install !== 0) return install;
  if (!existsSync(CHROMIUM)) {
    console.error(`apt-get installed chromium but ${CHROMIUM} still does not exist.`);
    return 1;
  }
  return 0;
}

function databaseTarget() {
  let url;
  try {
    url = new URL(env.TEST_DATABASE_URL);
  } catch {
    fail(`TEST_DATABASE_URL is not a valid URL: ${env.TEST_DATABASE_URL}`);
  }
  const host = decodeURIComponent(url.hostname.replace(/^\[|\]$/g, "")) || "127.0.0.1";
  return { host, port: Number(url.port || 5432) };
}

/** true when Postgres accepts connections (pg_isready, or a TCP connect when pg_isready is absent). */
async function postgresAnswers({ host, port }) {
  const ready = spawnSync("pg_isready", ["-q", "-h", host, "-p", String(port), "-t", "3"], { stdio: "ignore" });
  if (!ready.error) return ready.status === 0;
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(3000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function ensurePostgres() {
  const target = databaseTarget();
  const where = `${target.host}:${target.port}`;
  if (await postgresAnswers(target)) {
    console.log(`Postgres answers at ${where}.`);
    return 0;
  }
  const local = ["127.0.0.1", "localhost", "::1"].includes(target.host);
  if (!local || !existsSync("/etc/postgresql")) {
    console.error(
      `Postgres does not answer at ${where} (TEST_DATABASE_URL=${env.TEST_DATABASE_URL}) and there is no local ` +
        `cluster to start. Start Postgres or point TEST_DATABASE_URL at one.`,
    );
    return 1;
  }
  console.log(`Postgres does not answer at ${where}: ${START_POSTGRES}`);
  const started = await command("sh", ["-c", START_POSTGRES]);
  if (started !== 0) {
    console.error(`Starting Postgres failed (exit ${started}). Start it yourself with:\n\n  ${START_POSTGRES}\n`);
    return started;
  }
  for (let waited = 0; waited < 60; waited++) {
    if (await postgresAnswers(target)) {
      console.log(`Postgres answers at ${where}.`);
      return 0;
    }
    await sleep(1000);
  }
  console.error(`Postgres was started but still does not answer at ${where} after 60 s.`);
  return 1;
}

// ── run ──────────────────────────────────────────────────────────────────────────────────────

const startedAt = Date.now();
for (const [index, step] of steps.entries()) {
  const elapsed = Math.round((Date.now() - startedAt) / 1000);
  console.log(`\n━━ npm test [${index + 1}/${steps.length}] ${step.name}  (+${elapsed}s) ━━`);
  const code = await step.run();
  if (interrupted) process.exit(interrupted === "SIGINT" ? 130 : 143);
  if (code !== 0) fail(`step "${step.name}" failed (exit ${code})`, code);
}
