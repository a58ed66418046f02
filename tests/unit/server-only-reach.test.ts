import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The loaders pages call are marked `import "server-only"`, which throws when loaded outside
// Next's server bundles. Vitest maps the package to its empty module (vitest.config.ts), so a
// marked module reached from the command line, a bench, the Inngest functions or the in-process
// jobs would pass every test here and fail only when run. This walks their imports instead.

const ROOT = path.resolve(import.meta.dirname, "../..");

/** What runs outside Next's server components: each must reach no server-only module. */
const OUTSIDE_NEXT = [
  "scripts/portal.ts",
  "scripts/setup-demo.ts",
  "scripts/migrate.ts",
  "scripts/magento-simulator.ts",
  "instrumentation.ts",
  "inngest/functions.ts",
  "proxy.ts",
  "simulator/index.ts",
  ...readdirSync(path.join(ROOT, "bench"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => `bench/${file.split(path.sep).join("/")}`),
];

const FROM_IMPORT = /^[ \t]*(?:import|export)\s+(type\s+)?([\w$*{},\s]*?)\s*from\s*(["'])([^"'\n]+)\3/gm;
const SIDE_EFFECT_IMPORT = /^[ \t]*import\s*(["'])([^"'\n]+)\1/gm;
const DYNAMIC_IMPORT = /\bimport\s*\(\s*(["'])([^"'\n]+)\1\s*\)/g;
const MARKER = /^[ \t]*import\s*["']server-only["']/m;

/** The specifiers a file imports at run time (type-only imports are erased). */
function runtimeImports(source: string): string[] {
  const found: string[] = [];
  for (const [, typeKeyword, clause = "", , specifier] of source.matchAll(FROM_IMPORT)) {
    const names = /^\s*\{([^}]*)\}\s*$/
      .exec(clause)?.[1]
      ?.split(",")
      .map((name) => name.trim())
      .filter(Boolean);
    const typesOnly = Boolean(typeKeyword) || (names !== undefined && names.length > 0 && names.every((name) => name.startsWith("type ")));
    if (!typesOnly) found.push(specifier!);
  }
  for (const match of source.matchAll(SIDE_EFFECT_IMPORT)) found.push(match[2]!);
  for (const match of source.matchAll(DYNAMIC_IMPORT)) found.push(match[2]!);
  return found;
}

/** A repository file for a specifier (`@/…` or relative), or null for a package. */
function resolveLocal(from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith("@/")) base = path.join(ROOT, specifier.slice(2));
  else if (specifier.startsWith(".")) base = path.resolve(path.dirname(from), specifier);
  else return null;
  for (const suffix of ["", ".ts", ".tsx", ".mjs", ".js", "/index.ts", "/index.tsx"]) {
    const file = base + suffix;
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return null;
}

/** Every repository file `entry` loads, each with the file that first imported it. */
function reach(entry: string): Map<string, string | null> {
  const start = path.join(ROOT, entry);
  const seen = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const file = queue.shift()!;
    for (const specifier of runtimeImports(readFileSync(file, "utf8"))) {
      const target = resolveLocal(file, specifier);
      if (target && !seen.has(target)) {
        seen.set(target, file);
        queue.push(target);
      }
    }
  }
  return seen;
}

const relative = (file: string) => path.relative(ROOT, file).split(path.sep).join("/");

describe("server-only loaders stay out of code run outside Next", () => {
  it("marks the loaders (the walk below has something to find)", () => {
    for (const file of ["lib/channels/queries.ts", "lib/sync/history.ts", "lib/customers/detail.ts", "lib/users/preferences.ts"]) {
      expect(readFileSync(path.join(ROOT, file), "utf8"), file).toMatch(MARKER);
    }
  });

  it.each(OUTSIDE_NEXT)("%s imports no server-only module", (entry) => {
    const seen = reach(entry);
    const marked = [...seen.keys()].filter((file) => MARKER.test(readFileSync(file, "utf8")));
    const chains = marked.map((file) => {
      const chain: string[] = [];
      for (let at: string | null | undefined = file; at; at = seen.get(at)) chain.push(relative(at));
      return chain.join(" ← ");
    });
    expect(chains).toEqual([]);
  });
});
