// `npm start`: on a fresh clone, installs, builds, starts the Magento simulator (the demo
// store), prepares the embedded database with demo users and the demo channel, and serves the
// portal on PORT (3000). Node built-ins only (runs before npm ci).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { childGroup, stopGroupOnSignals, stopGroupWhenParentExits } from "./lib/children.mjs";
import { ROOT, ensureBuild, ensureDependencies, runOrExit } from "./lib/prepare.mjs";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 9)) {
  console.error(`Node.js 20.9 or newer is needed (this is ${process.versions.node}).`);
  process.exit(1);
}

function portFrom(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    console.error(`${name} must be a number between 1 and 65535 (got "${value}").`);
    process.exit(2);
  }
  return value;
}
const port = portFrom("PORT", "3000");
const simulatorPort = portFrom("MAGENTO_SIM_PORT", "8080");
const withSimulator = process.env.DEMO_SIMULATOR !== "0";

// SIGTERM/SIGINT go on to the portal, then the simulator; this process exits once both have (the
// portal finishes its sync page first), so their ports are free when `npm start` is gone.
const children = childGroup();
stopGroupOnSignals(children);
// `kill <npm's pid>` stops npm and its shell but never reaches this process: notice and stop too.
stopGroupWhenParentExits(children);
// A failed step exits this process; never leave the simulator running behind it.
process.on("exit", () => children.signalAll());

const dataDir = path.resolve(process.env.PORTAL_DATA_DIR ?? path.join(ROOT, ".data"));

/** The simulator's admin token, kept in .data so the demo channel's credentials stay valid. */
function simulatorToken() {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "simulator-token");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const token = randomBytes(16).toString("hex");
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

async function startSimulator() {
  const token = simulatorToken();
  const baseUrl = `http://127.0.0.1:${simulatorPort}`;
  console.log(`▸ Starting the Magento simulator (the demo store) on ${baseUrl}…`);
  // The demo store keeps its state in .data (orders placed from the portal, new carts, edits):
  // a restart must not hand out ids the portal already holds for other records.
  const stateFile = path.join(dataDir, "simulator-store.json");
  // Node with tsx's loader, not npx: one process, so a stop signal reaches the simulator itself
  // and it saves its store before exiting (npx's shell in between did not pass signals on).
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/magento-simulator.ts",
      "--port",
      simulatorPort,
      "--seed",
      "42",
      "--customers",
      "800",
      "--orders",
      "4000",
      "--token",
      token,
      "--state-file",
      stateFile,
    ],
    { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] },
  );
  children.add(child);
  child.on("exit", (code, signal) => {
    if (signal || children.stopping) return;
    console.error(`The Magento simulator stopped (exit ${code}); stopping the portal too.`);
    void children.stopAll().then(() => process.exit(code || 1));
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/rest/V1/store/websites`, { headers: { Authorization: `Bearer ${token}` } });
      if (response.ok) return { baseUrl, token };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  console.error(`The Magento simulator did not answer on ${baseUrl} within 60 s (is the port taken? set MAGENTO_SIM_PORT).`);
  await children.stopAll();
  process.exit(1);
}

ensureDependencies();
ensureBuild();
const simulator = withSimulator ? await startSimulator() : null;
console.log("▸ Preparing the database…");
runOrExit("npx", ["tsx", "scripts/setup-demo.ts"], {
  env: simulator ? { ...process.env, DEMO_MAGENTO_URL: simulator.baseUrl, DEMO_MAGENTO_TOKEN: simulator.token } : process.env,
});

console.log(`▸ Starting the portal on http://localhost:${port} (Ctrl+C to stop)…`);
// Next's own script under this Node, not npx: the stop signal must reach the server itself.
const server = spawn(process.execPath, [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "start", "-p", port], {
  cwd: ROOT,
  stdio: "inherit",
  env: {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    // The portal handles SIGTERM/SIGINT itself: its sync scheduler finishes the page in hand first (lib/shutdown.ts).
    NEXT_MANUAL_SIG_HANDLE: "1",
    // The demo store is the simulator on 127.0.0.1, an address channels may not reach otherwise.
    ...(simulator ? { MAGENTO_ALLOW_PRIVATE_URLS: "1" } : {}),
  },
});
children.add(server);
server.on("exit", (code, signal) => {
  if (children.stopping) return; // the signal handler exits once every child has
  void children.stopAll().then(() => process.exit(code ?? (signal ? 1 : 0)));
});
