#!/usr/bin/env node
// Fails (exit 1) when folders of lib/ import each other in a cycle, e.g. lib/grid → lib/sync in one
// file and lib/sync → lib/grid in another. ESLint's import/no-cycle sees only cycles between files,
// and folder cycles are how shared helpers ended up inside domain folders. Run by `npm run lint`.
//
//   node scripts/check-architecture.mjs [--root <repository>]
//
// A node of the graph is a folder directly under lib/ (lib/grid) or a module file there
// (lib/dates.ts counts as lib/dates). Type-only imports count: they tie the folders together too.
// Node built-ins only; imports are read with patterns, not a parser, which is enough for our code
// (statements start a line; `import()` with a string literal).

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MAX_CYCLES_SHOWN = 25;

// `import … from "x"`, `import type … from "x"`, `export … from "x"` at a line start: the clause
// between keyword and `from` holds only names, braces, commas, `*` (so `export const a = …` never
// matches); `import "x"` for side effects; `import("x")` anywhere outside a line comment.
const FROM_IMPORT = /^[ \t]*(?:import|export)\s+(type\s+)?([\w$*{},\s]*?)\s*from\s*(["'])([^"'\n]+)\3/gm;
const SIDE_EFFECT_IMPORT = /^[ \t]*import\s*(["'])([^"'\n]+)\1/gm;
const DYNAMIC_IMPORT = /\bimport\s*\(\s*(["'])([^"'\n]+)\1\s*\)/g;

/** Every import of one file: { specifier, line, typeOnly }. */
export function readImports(source) {
  const imports = [];
  const lineOf = (index) => source.slice(0, index).split("\n").length;
  for (const match of source.matchAll(FROM_IMPORT)) {
    const [, typeKeyword, clause, , specifier] = match;
    imports.push({ specifier, line: lineOf(match.index), typeOnly: Boolean(typeKeyword) || isTypeOnlyClause(clause) });
  }
  for (const match of source.matchAll(SIDE_EFFECT_IMPORT)) {
    imports.push({ specifier: match[2], line: lineOf(match.index), typeOnly: false });
  }
  for (const match of source.matchAll(DYNAMIC_IMPORT)) {
    const lineStart = source.lastIndexOf("\n", match.index) + 1;
    const before = source.slice(lineStart, match.index).trimStart();
    if (before.startsWith("//") || before.startsWith("*") || before.startsWith("/*")) continue;
    imports.push({ specifier: match[2], line: lineOf(match.index), typeOnly: false });
  }
  return imports.sort((a, b) => a.line - b.line);
}

/** `{ type A, type B }` imports nothing at run time; a default or namespace import does. */
function isTypeOnlyClause(clause) {
  const braces = clause.match(/^\s*\{([^}]*)\}\s*$/);
  if (!braces) return false;
  const names = braces[1]
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  return names.length > 0 && names.every((name) => name.startsWith("type "));
}

/** The lib/ node a specifier points at, or null when it leaves lib/ (or the repository). */
function libNodeOf(specifier, importingFile, root) {
  let target;
  if (specifier.startsWith("@/")) target = path.join(root, specifier.slice(2));
  else if (specifier.startsWith("./") || specifier.startsWith("../")) target = path.resolve(path.dirname(importingFile), specifier);
  else return null;
  return libNodeOfPath(target, root);
}

function libNodeOfPath(file, root) {
  const relative = path.relative(path.join(root, "lib"), file);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return null;
  const first = relative.split(path.sep)[0];
  return `lib/${first.replace(/\.(d\.)?[cm]?[jt]sx?$/, "")}`;
}

function sourceFiles(directory) {
  const files = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(full));
    else if (/\.[cm]?[jt]sx?$/.test(entry.name)) files.push(full);
  }
  return files;
}

/** Folder graph: Map<from, Map<to, [{ file, specifier, line, typeOnly }]>>. */
export function libFolderGraph(root) {
  const graph = new Map();
  let libFiles;
  try {
    libFiles = sourceFiles(path.join(root, "lib"));
  } catch (error) {
    if (error.code === "ENOENT") return graph;
    throw error;
  }
  for (const file of libFiles) {
    const from = libNodeOfPath(file, root);
    if (!graph.has(from)) graph.set(from, new Map());
    for (const found of readImports(readFileSync(file, "utf8"))) {
      const to = libNodeOf(found.specifier, file, root);
      if (!to || to === from) continue;
      const edges = graph.get(from);
      if (!edges.has(to)) edges.set(to, []);
      edges.get(to).push({ file: path.relative(root, file).split(path.sep).join("/"), ...found });
      if (!graph.has(to)) graph.set(to, new Map());
    }
  }
  return graph;
}

/** Strongly connected components with more than one node (Tarjan). */
function knots(graph) {
  let index = 0;
  const indexOf = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (node) => {
    indexOf.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node).keys()) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node), indexOf.get(next)));
      }
    }
    if (low.get(node) === indexOf.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indexOf.has(node)) visit(node);
  return found;
}

/** Elementary cycles inside one component, shortest first; each starts at its smallest folder. */
function cyclesIn(component, graph, limit) {
  const members = new Set(component);
  const cycles = [];
  for (const start of component) {
    const walk = (node, trail) => {
      if (cycles.length >= limit) return;
      for (const next of [...graph.get(node).keys()].sort()) {
        if (!members.has(next) || next < start) continue;
        if (next === start) cycles.push([...trail, start]);
        else if (!trail.includes(next)) walk(next, [...trail, next]);
      }
    };
    walk(start, [start]);
  }
  return cycles.sort((a, b) => a.length - b.length || a.join().localeCompare(b.join()));
}

/** The report for a repository: { cycles, message } (no cycles → cycles is empty). */
export function checkLibFolderCycles(root) {
  const graph = libFolderGraph(root);
  const components = knots(graph);
  const edgeCount = [...graph.values()].reduce((sum, edges) => sum + edges.size, 0);
  if (components.length === 0) {
    return { cycles: [], message: `No cycles between lib/ folders (${graph.size} folders and modules, ${edgeCount} edges).` };
  }
  const cycles = components.flatMap((component) => cyclesIn(component, graph, 10_000));
  const lines = [
    "Folders of lib/ import each other in a cycle. Each pair may depend on each other one way only:",
    "move the shared piece to the side that owns it, or down to db/ or a base module of lib/.",
    "",
  ];
  for (const component of components) lines.push(`Tied together: ${component.join(", ")}`);
  lines.push("");
  for (const cycle of cycles.slice(0, MAX_CYCLES_SHOWN)) lines.push(`  ${cycle.join(" → ")}`);
  if (cycles.length > MAX_CYCLES_SHOWN) lines.push(`  … and ${cycles.length - MAX_CYCLES_SHOWN} longer cycles`);
  lines.push("", "The imports that make each edge of these cycles:");
  const edges = new Set(cycles.flatMap((cycle) => cycle.slice(1).map((to, i) => `${cycle[i]}\u0000${to}`)));
  for (const edge of [...edges].sort()) {
    const [from, to] = edge.split("\u0000");
    lines.push(`  ${from} → ${to}`);
    for (const use of graph.get(from).get(to)) {
      lines.push(`    ${use.file}:${use.line} imports "${use.specifier}"${use.typeOnly ? " (types only)" : ""}`);
    }
  }
  return { cycles, message: lines.join("\n") };
}

function main(argv) {
  const rootFlag = argv.indexOf("--root");
  if (argv.includes("--help") || (rootFlag !== -1 && !argv[rootFlag + 1])) {
    console.log("usage: node scripts/check-architecture.mjs [--root <repository>]");
    return argv.includes("--help") ? 0 : 2;
  }
  const root = rootFlag !== -1 ? path.resolve(argv[rootFlag + 1]) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const { cycles, message } = checkLibFolderCycles(root);
  (cycles.length ? console.error : console.log)(message);
  return cycles.length ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
