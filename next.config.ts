import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its wasm from its own package folder at run time; bundling breaks that path.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "postgres"],
  experimental: {
    // forbidden() → the 403 page with a real 403 status.
    authInterrupts: true,
  },
  poweredByHeader: false,
};

export default nextConfig;
