#!/usr/bin/env node
// Smoke test of the standalone build (after scripts/build-standalone.mjs), as the Docker image runs
// it: `node server.js` from .next/standalone against a fresh Postgres database. It migrates the
// database and creates an administrator with the portal's CLI, waits for /api/health to answer
// 200, signs in over HTTP (Auth.js's credentials endpoint) and opens a page with the session, then
// checks the spans of those requests reached an OpenTelemetry collector of its own (tracing is on
// with OTEL_EXPORTER_OTLP_ENDPOINT), then sends SIGTERM and checks the server exits by itself and
// frees its port. The database is dropped
// at the end, whatever happened. `npm test` runs it after the build; exits 1 naming the failed step.
//
//   node scripts/smoke-standalone.mjs      (TEST_DATABASE_URL names the Postgres server)
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ADMIN_URL, withAdmin } from "./lib/postgres-admin.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const standalone = path.join(root, ".next", "standalone");
const HOST = "127.0.0.1";
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 35_000;

const log = (message) => console.log(`[smoke] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const SERVICE_NAME = "smoke-portal";
const TRACES_TIMEOUT_MS = 20_000;

let server = null;
let collector = null;
let databaseCreated = false;
const databaseName = `portal_smoke_${Date.now()}`;
const databaseUrl = (() => {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${databaseName}`;
  return url.toString();
})();

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function portFree(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
}

/** The repository's tsx scripts (migrations, the CLI): the Dockerfile's build stage has them too. */
function runTsx(script, args, env) {
  const result = spawnSync(process.execPath, ["--import", "tsx", script, ...args], { cwd: root, env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${script} ${args[0] ?? ""} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** The cookies a response sets, as name → value (session and CSRF cookies only need that). */
function cookiesOf(response) {
  const jar = {};
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const at = pair.indexOf("=");
    jar[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return jar;
}
const cookieHeader = (jar) =>
  Object.entries(jar)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");

/** A stand-in OpenTelemetry collector: keeps the bodies POSTed to /v1/traces (OTLP over HTTP). */
async function startCollector() {
  const traces = [];
  const httpServer = http.createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method === "POST" && request.url === "/v1/traces") traces.push(Buffer.concat(chunks));
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise((resolve) => httpServer.listen(0, HOST, resolve));
  return { url: `http://${HOST}:${httpServer.address().port}`, traces, close: () => new Promise((resolve) => httpServer.close(resolve)) };
}

async function main() {
  if (!existsSync(path.join(standalone, "server.js"))) {
    throw new Error(".next/standalone/server.js is missing: run node scripts/build-standalone.mjs first.");
  }
  collector = await startCollector();
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    AUTH_URL: base,
    AUTH_TRUST_HOST: "true",
  };

  log(`creating the database ${databaseName}`);
  await withAdmin((sql) => sql.unsafe(`create database "${databaseName}"`));
  databaseCreated = true;
  runTsx("scripts/migrate.ts", [], env);
  const email = "smoke-admin@smoke.test";
  const password = `smoke-${randomBytes(9).toString("base64url")}`;
  runTsx("scripts/portal.ts", ["user:create", "--email", email, "--name", "Smoke Admin", "--role", "admin", "--password", password], env);

  log(`starting node server.js on ${base}`);
  const startedAt = Date.now();
  server = spawn(process.execPath, ["server.js"], {
    cwd: standalone,
    env: {
      ...env,
      PORT: String(port),
      HOSTNAME: HOST,
      NEXT_MANUAL_SIG_HANDLE: "1",
      // Tracing on, to the stand-in collector, exported every half second.
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_SERVICE_NAME: SERVICE_NAME,
      OTEL_BSP_SCHEDULE_DELAY: "500",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  server.stdout.on("data", (data) => (output += data));
  server.stderr.on("data", (data) => (output += data));
  const exited = new Promise((resolve) => server.once("exit", (code, signal) => resolve({ code, signal })));

  let health = null;
  while (Date.now() - startedAt < START_TIMEOUT_MS) {
    if (server.exitCode !== null) throw new Error(`the server exited (code ${server.exitCode}) before answering:\n${output}`);
    try {
      const response = await fetch(`${base}/api/health`);
      health = { status: response.status, body: await response.json() };
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  if (health?.status !== 200)
    throw new Error(`/api/health did not answer 200 within ${START_TIMEOUT_MS / 1000} s (last: ${JSON.stringify(health)}):\n${output}`);
  if (health.body.database !== "reachable" || health.body.migrations?.current !== true) {
    throw new Error(`/api/health answered 200 but says ${JSON.stringify(health.body)}`);
  }
  log(`/api/health 200 after ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${JSON.stringify(health.body)}`);

  // Anonymous: a page sends the visitor to sign in.
  const anonymous = await fetch(`${base}/dashboard`, { redirect: "manual" });
  if (anonymous.status !== 307 || !anonymous.headers.get("location")?.includes("/login")) {
    throw new Error(`an anonymous /dashboard answered ${anonymous.status} (expected a redirect to /login)`);
  }

  // Sign in the way the browser's form does through Auth.js: CSRF token, then the credentials.
  const csrfResponse = await fetch(`${base}/api/auth/csrf`);
  const jar = cookiesOf(csrfResponse);
  const { csrfToken } = await csrfResponse.json();
  const signIn = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/dashboard` }),
  });
  Object.assign(jar, cookiesOf(signIn));
  if (!Object.keys(jar).some((name) => name.endsWith("session-token"))) {
    throw new Error(`signing in set no session cookie (status ${signIn.status}, location ${signIn.headers.get("location")})`);
  }
  const dashboard = await fetch(`${base}/dashboard`, { redirect: "manual", headers: { cookie: cookieHeader(jar) } });
  if (dashboard.status !== 200) throw new Error(`/dashboard with the session answered ${dashboard.status}`);
  const html = await dashboard.text();
  if (!html.includes("Smoke Admin")) throw new Error("/dashboard with the session does not show the signed-in user's name");
  log("signed in over HTTP and opened /dashboard");

  // Tracing: the spans of these requests reach the collector, under the service name.
  const tracesBy = Date.now() + TRACES_TIMEOUT_MS;
  const traced = () => collector.traces.some((body) => body.includes(SERVICE_NAME) && body.includes("/dashboard"));
  while (!traced() && Date.now() < tracesBy) await sleep(250);
  if (!traced()) {
    throw new Error(
      `no trace of /dashboard from service ${SERVICE_NAME} reached the collector within ${TRACES_TIMEOUT_MS / 1000} s ` +
        `(${collector.traces.length} exports received):\n${output}`,
    );
  }
  if (!output.includes("tracing on")) throw new Error(`the server did not log that tracing is on:\n${output}`);
  log(`tracing: ${collector.traces.length} OTLP exports received, with the spans of /dashboard`);

  // Graceful stop: SIGTERM, the server exits by itself and frees the port.
  const stopAt = Date.now();
  server.kill("SIGTERM");
  const timer = setTimeout(() => server.kill("SIGKILL"), STOP_TIMEOUT_MS);
  const result = await exited;
  clearTimeout(timer);
  if (result.signal === "SIGKILL") throw new Error(`the server did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM:\n${output}`);
  if (result.code !== 0) throw new Error(`the server exited with ${JSON.stringify(result)} after SIGTERM:\n${output}`);
  if (!(await portFree(port))) throw new Error(`port ${port} is still taken after the server exited`);
  log(`SIGTERM: exited (code 0) in ${((Date.now() - stopAt) / 1000).toFixed(1)} s, port ${port} free`);
}

async function cleanup() {
  await collector?.close();
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill("SIGKILL");
    await new Promise((resolve) => server.once("exit", resolve));
  }
  if (databaseCreated) {
    await withAdmin((sql) => sql.unsafe(`drop database if exists "${databaseName}" with (force)`)).catch((error) =>
      log(`could not drop ${databaseName}: ${error.message}`),
    );
  }
}

let code = 0;
try {
  await main();
  log("passed");
} catch (error) {
  console.error(`[smoke] FAILED: ${error instanceof Error ? error.message : error}`);
  code = 1;
}
await cleanup();
process.exit(code);
