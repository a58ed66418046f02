import type { NextConfig } from "next";

// Two switches for builds made by our scripts (`next build` alone keeps the defaults):
// - PORTAL_STANDALONE=1 (scripts/build-standalone.mjs: the Docker image, CI): also write
//   .next/standalone, a self-contained `node server.js` with only the packages it needs. Off
//   otherwise, so that `next start` (npm start, npm run serve, the end-to-end tests) runs the same
//   build without Next's warning that standalone output wants `node server.js`.
// - PORTAL_SKIP_TYPECHECK=1 (npm start's demo build only): skips the type check inside `next build`,
//   about 70 s of a first start on 2 cores. CI (`npm run typecheck`) and `npm test`'s builds still type-check.
const env = process.env;

const nextConfig: NextConfig = {
  // PGlite loads its wasm from its own package folder at run time; bundling breaks that path.
  // The standalone output copies these packages into .next/standalone/node_modules instead.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "postgres"],
  output: env.PORTAL_STANDALONE === "1" ? "standalone" : undefined,
  typescript: { ignoreBuildErrors: env.PORTAL_SKIP_TYPECHECK === "1" },
  experimental: {
    // forbidden() → the 403 page with a real 403 status.
    authInterrupts: true,
  },
  poweredByHeader: false,
};

export default nextConfig;
