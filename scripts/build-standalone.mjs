#!/usr/bin/env node
// Builds the portal as a self-contained folder, .next/standalone, that runs with `node server.js`
// and nothing else installed: the Dockerfile's build stage and CI (`npm test`) both run this.
//   1. next build with PORTAL_STANDALONE=1 (next.config.ts), type check included
//   2. copies what Next leaves out of the folder: public/, .next/static, and db/migrations (for
//      tools that migrate from the image; the server itself never migrates)
//   3. checks that the packages loaded at run time from node_modules are there (postgres, argon2's
//      native binding, PGlite's wasm), naming any that is missing
//
//   node scripts/build-standalone.mjs            build, copy, check
//   node scripts/build-standalone.mjs --no-build copy and check an existing standalone build
// Node built-ins only.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const standalone = path.join(root, ".next", "standalone");

function fail(message) {
  console.error(`build-standalone: ${message}`);
  process.exit(1);
}

if (!process.argv.includes("--no-build")) {
  console.log("▸ next build (standalone output)…");
  const result = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PORTAL_STANDALONE: "1", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) fail(`next build failed (exit ${result.status ?? result.signal}).`);
}
if (!existsSync(path.join(standalone, "server.js"))) {
  fail(`${path.relative(root, standalone)}/server.js is missing: the last build was not a standalone one (run without --no-build).`);
}

// Next copies only the server's code and its traced packages; the browser's files are ours to add.
const copies = [
  ["public", "public"],
  [".next/static", ".next/static"],
  ["db/migrations", "db/migrations"],
];
for (const [from, to] of copies) {
  const target = path.join(standalone, to);
  rmSync(target, { recursive: true, force: true });
  cpSync(path.join(root, from), target, { recursive: true });
}

// What the server loads from node_modules at run time (next.config.ts serverExternalPackages).
const modules = path.join(standalone, "node_modules");
const missing = [];
for (const name of ["postgres", "@node-rs/argon2", "@electric-sql/pglite"]) {
  if (!existsSync(path.join(modules, name, "package.json"))) missing.push(name);
}
const bindings = existsSync(path.join(modules, "@node-rs"))
  ? readdirSync(path.join(modules, "@node-rs")).filter((name) => name.startsWith("argon2-"))
  : [];
if (bindings.length === 0) missing.push("@node-rs/argon2's native binding (@node-rs/argon2-<platform>)");
const pgliteDist = path.join(modules, "@electric-sql", "pglite", "dist");
if (!existsSync(pgliteDist) || !readdirSync(pgliteDist).some((name) => name.endsWith(".wasm"))) missing.push("PGlite's .wasm files");
if (missing.length > 0) fail(`the standalone folder lacks ${missing.join(", ")}.`);

console.log(`▸ Standalone portal ready in ${path.relative(root, standalone)} (start it there with: node server.js).`);
