import { createRequire } from "node:module";
import path from "node:path";
import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const root = import.meta.dirname;
const require = createRequire(import.meta.url);

// The layers of docs/architecture.md ("Boundaries"). import/no-restricted-paths resolves every
// import (the `@/` alias, relative paths, `import type`, `export … from`, `import()`) to a file,
// so a zone names folders, not spellings.
const boundaries = [
  {
    target: "./components",
    from: ["./app", "./db", "./inngest"],
    message: "Components are presentational: they get data and server actions as props or from lib/<noun>.",
  },
  {
    target: "./lib",
    from: ["./app", "./components", "./inngest"],
    message: "lib/ is called by routes, components and Inngest functions, never the reverse; background work goes through lib/jobs.",
  },
  {
    target: "./inngest",
    from: ["./app", "./components", "./db"],
    message: "Inngest functions are thin: each calls one lib/jobs or lib/<noun> entry point.",
  },
  {
    target: "./db",
    from: ["./app", "./components", "./inngest"],
    message: "db/ is the base layer and depends on nothing of ours.",
  },
  {
    target: "./db",
    from: "./lib",
    // The typed env module is the one reader of process.env, and the database client needs it too.
    except: ["./env.ts", "./env"],
    message: "db/ is the base layer: of lib/ it may use only the env module (@/lib/env).",
  },
  {
    target: ["./app", "./components", "./lib", "./db", "./inngest"],
    from: "./simulator",
    message: "The Magento simulator is for scripts, benches and tests only.",
  },
];

const config = [
  ...next,
  ...nextTs,
  {
    settings: {
      // Anchored to this folder (the resolver would otherwise look for tsconfig.json in the working
      // directory): an import that does not resolve escapes the boundary rules unseen.
      "import/resolver": {
        [require.resolve("eslint-import-resolver-node")]: { extensions: [".js", ".jsx", ".ts", ".tsx"] },
        [require.resolve("eslint-import-resolver-typescript")]: { alwaysTryTypes: true, project: path.join(root, "tsconfig.json") },
      },
    },
    rules: {
      "import/no-restricted-paths": ["error", { basePath: root, zones: boundaries }],
      // Cycles between files. disableScc: on this code base the precomputed components cost more than
      // they save (lint CPU time +13 s instead of +40 s). Cycles between lib/ folders: scripts/check-architecture.mjs.
      "import/no-cycle": ["error", { ignoreExternal: true, disableScc: true }],
    },
  },
  {
    // lib/env.ts reads and checks every variable; everything else asks it (scripts, benches, tests
    // and tool configs set or read the environment themselves).
    files: ["app/**", "components/**", "lib/**", "db/**", "inngest/**", "proxy.ts", "instrumentation.ts"],
    ignores: ["lib/env.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read environment variables through lib/env.ts (readEnv), the one module that checks them.",
        },
      ],
    },
  },
  {
    ignores: [
      ".next/**",
      ".data/**",
      "node_modules/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
      "db/migrations/**",
      ".prof/**",
    ],
  },
];
export default config;
