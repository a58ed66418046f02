import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dataDir } from "@/db/data-dir";
import { isProduction, provideSecret, readEnv } from "@/lib/env";

export class MissingSecretError extends Error {
  constructor(readonly missing: string[]) {
    super(
      `Refusing to start: ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set. ` +
        `In production with DATABASE_URL the portal never invents secrets. Generate each with ` +
        `\`openssl rand -base64 32\` and set ${missing.length > 1 ? "them" : "it"} in the environment.`,
    );
    this.name = "MissingSecretError";
  }
}

type StoredSecrets = { AUTH_SECRET: string; ENCRYPTION_KEY: string };

/**
 * Makes sure AUTH_SECRET and ENCRYPTION_KEY are set for the rest of the process (or in `env`, a
 * test's own). The embedded demo (no DATABASE_URL, or not production) generates them once into
 * .data/secrets.json so it just works; production with a real database must be given both.
 */
export function ensureSecrets(env?: NodeJS.ProcessEnv): { generated: boolean; file?: string } {
  const missing = (["AUTH_SECRET", "ENCRYPTION_KEY"] as const).filter((name) => !readEnv(name, env));
  if (missing.length === 0) return { generated: false };
  if (isProduction(env) && readEnv("DATABASE_URL", env)) throw new MissingSecretError([...missing]);

  const file = path.join(dataDir(), "secrets.json");
  let stored: Partial<StoredSecrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, "utf8")) as Partial<StoredSecrets>;
  let generated = false;
  for (const name of missing) {
    if (!stored[name]) {
      stored[name] = randomBytes(32).toString("base64");
      generated = true;
    }
    provideSecret(name, stored[name], env);
  }
  if (generated) {
    writeFileSync(file, JSON.stringify(stored, null, 2) + "\n", { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { generated, file };
}
