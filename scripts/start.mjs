// `npm start`: on a fresh clone, installs, builds, prepares the embedded database with demo
// users and serves the portal on PORT (3000). Node built-ins only (runs before npm ci).
import { spawn } from "node:child_process";
import { ROOT, ensureBuild, ensureDependencies, runOrExit } from "./lib/prepare.mjs";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 9)) {
  console.error(`Node.js 20.9 or newer is needed (this is ${process.versions.node}).`);
  process.exit(1);
}

const port = process.env.PORT ?? "3000";
if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
  console.error(`PORT must be a number between 1 and 65535 (got "${port}").`);
  process.exit(2);
}

ensureDependencies();
ensureBuild();
console.log("▸ Preparing the database…");
runOrExit("npx", ["tsx", "scripts/setup-demo.ts"]);

console.log(`▸ Starting the portal on http://localhost:${port} (Ctrl+C to stop)…`);
const server = spawn("npx", ["next", "start", "-p", port], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
