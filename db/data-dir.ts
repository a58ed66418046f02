import { mkdirSync } from "node:fs";
import path from "node:path";
// The one module of ours db/ may import: the environment is below every layer.
import { readEnv } from "@/lib/env";

/** The folder for the embedded database and generated demo secrets (`.data/` unless PORTAL_DATA_DIR). */
export function dataDir(): string {
  const dir = path.resolve(
    /*turbopackIgnore: true*/ readEnv("PORTAL_DATA_DIR") ?? path.join(/*turbopackIgnore: true*/ process.cwd(), ".data"),
  );
  mkdirSync(dir, { recursive: true });
  return dir;
}
