import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ESLint } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `npm run lint` must fail when a layer imports what it may not, or when lib/ folders import each
// other in a cycle (docs/architecture.md, "Boundaries"). The layer rules run on a small fixture
// repository that uses this repository's own eslint.config.mjs and tsconfig.json, so the test does
// not depend on where today's code happens to live.

const repo = path.resolve(import.meta.dirname, "../..");
const checkScript = path.join(repo, "scripts/check-architecture.mjs");
const temporary: string[] = [];

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "architecture-"));
  temporary.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** A fixture repository linted with this repository's eslint.config.mjs and tsconfig.json. */
function lintedFixture(files: Record<string, string>): string {
  const dir = fixture(files);
  copyFileSync(path.join(repo, "eslint.config.mjs"), path.join(dir, "eslint.config.mjs"));
  copyFileSync(path.join(repo, "tsconfig.json"), path.join(dir, "tsconfig.json"));
  symlinkSync(path.join(repo, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe("layer boundaries (import/no-restricted-paths)", () => {
  let eslint: ESLint;
  let root: string;

  beforeAll(() => {
    // One real module per layer for the fake files below to import.
    root = lintedFixture({
      "app/actions.ts": "export async function act() {}\n",
      "components/ui/button.tsx": "export const Button = () => null;\n",
      "db/client.ts": "export const db = {};\nexport type Db = typeof db;\n",
      "inngest/functions.ts": "export const functions: string[] = [];\n",
      "lib/env.ts": "export const env = {};\n",
      "lib/grid/query.ts": "export const query = 1;\n",
      "simulator/index.ts": "export const sim = 1;\n",
    });
    eslint = new ESLint({ cwd: root, ruleFilter: ({ ruleId }) => ruleId === "import/no-restricted-paths" });
  });

  /** The imports (one a line) that lint refuses in `filePath`, with the rule's message. */
  async function refused(filePath: string, imports: string[]) {
    const [result] = await eslint.lintText(imports.join("\n") + "\n", { filePath: path.join(root, filePath) });
    return result!.messages.map((message) => ({ import: imports[message.line - 1], rule: message.ruleId, message: message.message }));
  }

  it("refuses a component importing app/ or db/ (alias, relative, type-only), allows lib/ and other components", async () => {
    const found = await refused("components/fake/widget.tsx", [
      'import { act } from "@/app/actions";',
      'import { act as relative } from "../../app/actions";',
      'import { db } from "@/db/client";',
      'import type { Db } from "@/db/client";',
      'import { functions } from "@/inngest/functions";',
      'import { query } from "@/lib/grid/query";',
      'import { Button } from "@/components/ui/button";',
    ]);
    expect(found.map((f) => f.import)).toEqual([
      'import { act } from "@/app/actions";',
      'import { act as relative } from "../../app/actions";',
      'import { db } from "@/db/client";',
      'import type { Db } from "@/db/client";',
      'import { functions } from "@/inngest/functions";',
    ]);
    expect(found.every((f) => f.rule === "import/no-restricted-paths")).toBe(true);
    expect(found[0]!.message).toContain("Components are presentational");
  });

  it("refuses lib/ importing inngest/ (also through import()), app/, components/ or the simulator; allows db/", async () => {
    const found = await refused("lib/fake/thing.ts", [
      'import { functions } from "@/inngest/functions";',
      'export async function later() { return import("@/inngest/functions"); }',
      'import { act } from "@/app/actions";',
      'import { Button } from "@/components/ui/button";',
      'import { sim } from "@/simulator";',
      'import { db } from "@/db/client";',
      'import { env } from "@/lib/env";',
      'import { query } from "../grid/query";',
    ]);
    expect(found.map((f) => f.import)).toEqual([
      'import { functions } from "@/inngest/functions";',
      'export async function later() { return import("@/inngest/functions"); }',
      'import { act } from "@/app/actions";',
      'import { Button } from "@/components/ui/button";',
      'import { sim } from "@/simulator";',
    ]);
    expect(found[0]!.message).toContain("lib/jobs");
    expect(found[4]!.message).toContain("simulator is for scripts, benches and tests only");
  });

  it("refuses an Inngest function importing db/, allows lib/", async () => {
    const found = await refused("inngest/functions/fake.ts", [
      'import { db } from "@/db/client";',
      'import { query } from "@/lib/grid/query";',
    ]);
    expect(found.map((f) => f.import)).toEqual(['import { db } from "@/db/client";']);
    expect(found[0]!.message).toContain("Inngest functions are thin");
  });

  it("refuses db/ importing lib/ except the env module", async () => {
    const found = await refused("db/fake.ts", [
      'import { query } from "@/lib/grid/query";',
      'import { query as relative } from "../lib/grid/query";',
      'import { env } from "@/lib/env";',
      'import { env as relativeEnv } from "../lib/env";',
    ]);
    expect(found.map((f) => f.import)).toEqual([
      'import { query } from "@/lib/grid/query";',
      'import { query as relative } from "../lib/grid/query";',
    ]);
    expect(found[0]!.message).toContain("only the env module");
  });

  it("refuses the simulator in routes, allows it in tests and scripts", async () => {
    const simulator = ['import { sim } from "@/simulator";'];
    expect(await refused("app/fake/page.tsx", simulator)).toHaveLength(1);
    expect(await refused("tests/fake.test.ts", simulator)).toEqual([]);
    expect(await refused("scripts/fake.ts", simulator)).toEqual([]);
  });

  it("holds in this repository too: a component importing @/db/client and @/app/layout fails lint", async () => {
    const real = new ESLint({ cwd: repo, ruleFilter: ({ ruleId }) => ruleId === "import/no-restricted-paths" });
    const [result] = await real.lintText('import { db } from "@/db/client";\nimport RootLayout from "@/app/layout";\n', {
      filePath: path.join(repo, "components/fake/widget.tsx"),
    });
    expect(result!.messages.map((m) => [m.line, m.ruleId])).toEqual([
      [1, "import/no-restricted-paths"],
      [2, "import/no-restricted-paths"],
    ]);
  });
});

describe("environment variables (no-restricted-properties)", () => {
  it("refuses process.env in lib/, db/, app/ and components/, allows it in lib/env.ts and scripts", async () => {
    const real = new ESLint({ cwd: repo, ruleFilter: ({ ruleId }) => ruleId === "no-restricted-properties" });
    const code = "export const port = process.env.PORT;\n";
    const rulesHit = async (file: string) => {
      const [result] = await real.lintText(code, { filePath: path.join(repo, file) });
      return result!.messages.map((m) => m.ruleId);
    };
    for (const file of ["lib/fake/settings.ts", "db/fake.ts", "app/fake/page.tsx", "components/fake/widget.tsx", "instrumentation.ts"]) {
      expect(await rulesHit(file), file).toEqual(["no-restricted-properties"]);
    }
    expect(await rulesHit("lib/env.ts")).toEqual([]);
    expect(await rulesHit("scripts/fake.ts")).toEqual([]);
  });
});

describe("import cycles", () => {
  it("import/no-cycle refuses two files that import each other", async () => {
    const root = lintedFixture({
      "lib/orders/totals.ts": 'import { label } from "./labels";\nexport const total = () => label.length;\n',
      "lib/orders/labels.ts": 'import { total } from "./totals";\nexport const label = "order";\nexport const both = () => total();\n',
    });
    const eslint = new ESLint({ cwd: root, ruleFilter: ({ ruleId }) => ruleId === "import/no-cycle" });
    const results = await eslint.lintFiles(["lib"]);
    expect(results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)}: ${m.ruleId}`)).sort()).toEqual([
      "labels.ts: import/no-cycle",
      "totals.ts: import/no-cycle",
    ]);
  });

  function checkFolders(root: string) {
    const run = spawnSync(process.execPath, [checkScript, "--root", root], { encoding: "utf8" });
    return { status: run.status, output: run.stdout + run.stderr };
  }

  it("the lib/ folder check fails on two folders importing each other through different files, naming both and the files", () => {
    const root = fixture({
      "lib/grid/query.ts": 'import { queryRows } from "@/lib/sync/write/rows";\nexport const q = queryRows;\n',
      "lib/grid/types.ts": "export type Column = { id: string };\n",
      "lib/sync/write/rows.ts": "export const queryRows = 1;\n",
      "lib/sync/viewer.ts": 'import type { Column } from "../grid/types";\nexport const columns: Column[] = [];\n',
      "lib/dates.ts": "export const today = 1;\n",
    });
    const { status, output } = checkFolders(root);
    expect(status).toBe(1);
    expect(output).toContain("lib/grid → lib/sync → lib/grid");
    expect(output).toContain('lib/grid/query.ts:1 imports "@/lib/sync/write/rows"');
    expect(output).toContain('lib/sync/viewer.ts:1 imports "../grid/types" (types only)');
  });

  it("the lib/ folder check finds a cycle through three folders and through import()", () => {
    const root = fixture({
      "lib/carts/a.ts": 'import { b } from "@/lib/orders/b";\nexport const a = b;\n',
      "lib/orders/b.ts": 'import { c } from "../customers/c";\nexport const b = c;\n',
      "lib/customers/c.ts": 'export async function c() {\n  return (await import("@/lib/carts/a")).a;\n}\n',
    });
    const { status, output } = checkFolders(root);
    expect(status).toBe(1);
    expect(output).toContain("lib/carts → lib/orders → lib/customers → lib/carts");
  });

  it("the lib/ folder check passes when folders depend one way only", () => {
    const root = fixture({
      "lib/grid/query.ts":
        'import { queryRows } from "@/db/rows";\nimport { today } from "@/lib/dates";\nexport const q = [queryRows, today];\n',
      "lib/sync/viewer.ts":
        'import type { Column } from "../grid/types";\nimport { q } from "@/lib/grid/query";\nexport const v: Column[] = [q];\n',
      "lib/grid/types.ts": "export type Column = unknown;\n",
      "lib/dates.ts": "export const today = 1;\n",
      "db/rows.ts": 'import { today } from "@/lib/dates";\nexport const queryRows = today;\n',
    });
    const { status, output } = checkFolders(root);
    expect(output).toContain("No cycles between lib/ folders");
    expect(status).toBe(0);
  });

  it("npm run lint runs ESLint, the lib/ folder check and Prettier", () => {
    const scripts: Record<string, string> = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")).scripts;
    expect(scripts.lint).toBe("eslint . && npm run lint:architecture && npm run lint:format");
    expect(scripts["lint:architecture"]).toBe("node scripts/check-architecture.mjs");
    expect(scripts["lint:format"]).toBe("prettier --check .");
  });
});
