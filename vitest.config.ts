import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Loaders are marked `import "server-only"`, whose default export throws outside React's
      // server condition (Next's server bundles); tests import them directly, so they get its
      // empty module, as Next's server components do.
      "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each integration file makes its own database, so files can run in parallel.
    pool: "forks",
    // The tests' Magento is a simulator on 127.0.0.1 (or a fake fetch): the client's refusal of
    // internal addresses is lifted here, and tested where it is switched back on.
    env: { MAGENTO_ALLOW_PRIVATE_URLS: "1" },
  },
});
