// `npm run bench -- <name>`: runs one bench from bench/<name>.ts. Each bench prints readable
// figures and ends with one line of JSON holding them.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dir = import.meta.dirname;
const available = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .map((f) => f.replace(/\.ts$/, ""));

const name = process.argv[2];
if (!name || name === "--help" || name === "-h") {
  console.log(`Usage: npm run bench -- <name>\nBenches: ${available.length ? available.join(", ") : "(none yet)"}`);
  process.exit(name ? 0 : 2);
}
const file = path.join(dir, `${name}.ts`);
if (!/^[a-z0-9-]+$/.test(name) || !existsSync(file)) {
  console.error(`No bench named "${name}". Benches: ${available.length ? available.join(", ") : "(none yet)"}.`);
  process.exit(2);
}
// Every bench's Magento is a simulator on 127.0.0.1, an address the client refuses by default.
process.env.MAGENTO_ALLOW_PRIVATE_URLS = "1";
const bench = (await import(pathToFileURL(file).href)) as { run: (args: string[]) => Promise<void> };
await bench.run(process.argv.slice(3));
