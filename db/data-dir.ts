import { mkdirSync } from "node:fs";
import path from "node:path";

/** The folder for the embedded database and generated demo secrets (`.data/` unless PORTAL_DATA_DIR). */
export function dataDir(): string {
  const dir = path.resolve(/*turbopackIgnore: true*/ process.env.PORTAL_DATA_DIR ?? path.join(/*turbopackIgnore: true*/ process.cwd(), ".data"));
  mkdirSync(dir, { recursive: true });
  return dir;
}
